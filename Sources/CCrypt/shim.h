/* libcrypt (Debian's libxcrypt, libcrypt-dev): crypt_ra verifies the bcrypt ($2b$, $2y$) hashes
 * of a web configuration file's basic_auth_users. */
#include <crypt.h>
