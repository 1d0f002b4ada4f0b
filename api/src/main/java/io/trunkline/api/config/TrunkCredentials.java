package io.trunkline.api.config;

import io.trunkline.api.v1alpha1.DigestAlgorithm;
import java.util.List;
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

  /** HA1 = H(username:realm:password) for MD5 and SHA-256; null where absent. */
  public record DigestSecret(String username, String ha1Md5, String ha1Sha256) {

    /**
     * These values in {@code algorithms} (tokens of {@link DigestAlgorithm}) only: an HA1 answers
     * for the password in its algorithm, so a line's shard carries those its phones may answer in
     * (decision 0010).
     */
    public DigestSecret in(List<String> algorithms) {
      boolean md5 = algorithms.contains(DigestAlgorithm.MD5.token());
      boolean sha256 = algorithms.contains(DigestAlgorithm.SHA_256.token());
      if ((md5 || ha1Md5 == null) && (sha256 || ha1Sha256 == null)) {
        return this;
      }
      return new DigestSecret(username, md5 ? ha1Md5 : null, sha256 ? ha1Sha256 : null);
    }
  }

  /** What the trunk presents to a carrier's 401/407. */
  public record Login(String username, String password) {}
}
