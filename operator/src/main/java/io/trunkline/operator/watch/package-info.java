/**
 * Caches of the kinds several controllers read but none owns: every SipLine and Secret of the
 * watched namespaces, held once by {@link SharedInformer} and served to each controller through a
 * {@link SharedInformerEventSource}. JOSDK gives each controller informers of its own, which at
 * 10,000 lines held every line three times and every Secret twice (bench/operator-scale.sh). {@link
 * CompactItemStore} keeps what these and the other read-only informers cache small, {@link
 * ChangeJournal} tells a reader which of the shared ones changed since it last read, and {@link
 * DependentItemStore} keeps small the field records of what the operator makes.
 */
package io.trunkline.operator.watch;
