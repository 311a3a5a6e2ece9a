/* STUB of the file lib/uklibid generates (uk/bits/libid.h) for a build with
 * these four libraries. */
#define __UKLIBID_COUNT__ 4
#define __UKLIBID_libuklibid 0
#define __UKLIBID_libukstore 1
#define __UKLIBID_libukstoreagent 2
#define __UKLIBID_appukstoredemo 3
