package io.trunkline.api.config;

/**
 * Something in the resources that the compiler could not turn into configuration. The operator
 * shows it as a condition and an Event on the resource it names.
 *
 * @param kind kind of the offending resource (SipTrunk, SipLine, RoutePolicy)
 * @param name its name
 * @param reason a CamelCase reason, used as the condition's reason
 * @param message what is wrong and where, for people
 */
public record Problem(String kind, String name, String reason, String message) {

  /** A SipLine or RoutePolicy names a trunk that does not exist. */
  public static final String TRUNK_NOT_FOUND = "TrunkNotFound";

  /** A Secret or key a resource needs is missing. */
  public static final String CREDENTIALS_NOT_FOUND = "CredentialsNotFound";

  /** Two lines of one trunk claim the same number or user name. */
  public static final String DUPLICATE_LINE = "DuplicateLine";

  /** A routing rule cannot be used: unknown carrier or line, bad prefix, pattern or time zone. */
  public static final String INVALID_ROUTE = "InvalidRoute";

  /** A trunk's own settings cannot be used; its last good snapshot stays in force. */
  public static final String INVALID_TRUNK = "InvalidTrunk";
}
