package io.trunkline.sip.transaction;

/**
 * A server or client transaction, as {@link Lingering} ends it: queued as itself, so a lingering
 * transaction costs the queue two array slots and no object of its own.
 */
abstract class Transaction {

  /** Ends the transaction: a lingering timer (D, H, I, J, K, L or M) ran out. */
  abstract void terminate();
}
