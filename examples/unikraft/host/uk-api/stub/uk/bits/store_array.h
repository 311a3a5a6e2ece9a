/* What lib/ukstore/store_array.awk (unikraft 2a398237 / d6d672f1) emits for
 * the libraries of bits/libid.h. */

static struct uk_store_entry *static_entries[] = {
		(struct uk_store_entry *) &uk_store_lib_libuklibid_start,
		(struct uk_store_entry *) &uk_store_lib_libuklibid_end,
		(struct uk_store_entry *) &uk_store_lib_libukstore_start,
		(struct uk_store_entry *) &uk_store_lib_libukstore_end,
		(struct uk_store_entry *) &uk_store_lib_libukstoreagent_start,
		(struct uk_store_entry *) &uk_store_lib_libukstoreagent_end,
		(struct uk_store_entry *) &uk_store_lib_appukstoredemo_start,
		(struct uk_store_entry *) &uk_store_lib_appukstoredemo_end,
	};
