package io.trunkline.api.config;

import static java.util.Objects.requireNonNullElse;

import io.trunkline.api.config.TrunkCompiler.SecretLookup;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.api.config.TrunkCredentials.Login;
import io.trunkline.api.v1alpha1.trunk.PbxAdmission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compiles how a trunk admits its PBX: by source address, by digest, or both. This is a trunk
 * setting, so a fault blocks the snapshot and the last good one stays in force (decision 0006).
 */
final class PbxCompiler {

  /**
   * The compiled admission, or null when the trunk admits no PBX, and the PBX's digest HA1 values,
   * or null when it is not admitted by digest.
   */
  record Admission(TrunkConfig.Pbx pbx, DigestSecret secret) {}

  private PbxCompiler() {}

  static Admission compile(
      String trunk, String realm, PbxAdmission pbx, SecretLookup secrets, Problems problems) {
    if (pbx == null) {
      return new Admission(null, null);
    }
    List<String> sources = new ArrayList<>();
    for (String source : requireNonNullElse(pbx.getSources(), List.<String>of())) {
      if (Cidr.parse(source).isEmpty()) {
        problems.block(
            "SipTrunk",
            trunk,
            Problem.INVALID_TRUNK,
            "pbx.sources: " + source + " is not a CIDR such as 192.0.2.10/32");
      } else if (!sources.contains(source)) {
        sources.add(source);
      }
    }
    DigestSecret secret = null;
    if (pbx.getCredentialsSecret() != null) {
      Optional<Login> login = secrets.login(pbx.getCredentialsSecret());
      if (login.isEmpty()) {
        problems.block(
            "SipTrunk",
            trunk,
            Problem.CREDENTIALS_NOT_FOUND,
            "pbx: Secret " + pbx.getCredentialsSecret() + " needs keys username and password");
      } else {
        secret = Digest.secret(login.get().username(), realm, login.get().password());
      }
    }
    return new Admission(new TrunkConfig.Pbx(sources, pbx.getCredentialsSecret() != null), secret);
  }
}
