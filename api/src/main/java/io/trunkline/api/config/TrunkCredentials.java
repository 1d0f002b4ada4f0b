package io.trunkline.api.config;

import java.util.Map;

/**
 * The secrets a trunk's proxies need, kept out of the snapshot so that they travel in a Secret.
 * Lines and the PBX are stored as digest HA1 values (RFC 3261 §22.4, RFC 8760 §3 for SHA-256),
 * never as passwords; carriers need the password itself to answer their challenges.
 *
 * @param realm the digest realm the HA1 values were computed for
 * @param lines HA1 values by line user name
 * @param pbx HA1 values of the PBX, or null when it is not admitted by digest
 * @param carriers user name and password by carrier name
 */
public record TrunkCredentials(
    String realm, Map<String, DigestSecret> lines, DigestSecret pbx, Map<String, Login> carriers) {

  public TrunkCredentials {
    lines = Map.copyOf(lines);
    carriers = Map.copyOf(carriers);
  }

  /** These credentials with other lines', as the snapshot's shards split or join them. */
  TrunkCredentials withLines(Map<String, DigestSecret> newLines) {
    return new TrunkCredentials(realm, newLines, pbx, carriers);
  }

  /**
   * HA1 = H(username:realm:password) for MD5 and SHA-256, each null where the device may not answer
   * in that algorithm ({@link Digest#secret}).
   */
  public record DigestSecret(String username, String ha1Md5, String ha1Sha256) {}

  /** What the trunk presents to a carrier's 401/407. */
  public record Login(String username, String password) {}
}
