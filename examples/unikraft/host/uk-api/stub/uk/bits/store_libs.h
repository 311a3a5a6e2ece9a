/* What lib/ukstore/store_libs.awk (unikraft d6d672f1) emits for the libraries
 * of bits/libid.h. */
#ifndef __UK_STORE_H__
#error Do not include this header directly
#endif /* __UK_STORE_H__ */

struct uk_store_entry;

extern struct uk_store_entry *uk_store_lib_libuklibid_start;
extern struct uk_store_entry *uk_store_lib_libuklibid_end;

extern struct uk_store_entry *uk_store_lib_libukstore_start;
extern struct uk_store_entry *uk_store_lib_libukstore_end;

extern struct uk_store_entry *uk_store_lib_libukstoreagent_start;
extern struct uk_store_entry *uk_store_lib_libukstoreagent_end;

extern struct uk_store_entry *uk_store_lib_appukstoredemo_start;
extern struct uk_store_entry *uk_store_lib_appukstoredemo_end;
