/* Test cases kept in files of their own, run by test_main.c. */
#ifndef TEST_TESTS_H
#define TEST_TESTS_H
void names_tests(void); /* test_names.c */
void pace_tests(void);  /* test_pace.c */
#endif
