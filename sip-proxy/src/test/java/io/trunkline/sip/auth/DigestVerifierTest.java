package io.trunkline.sip.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.trunkline.api.config.Digest;
import io.trunkline.api.config.TrunkCredentials.DigestSecret;
import io.trunkline.testing.time.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class DigestVerifierTest {

  private static final byte[] KEY = "shared-by-the-replicas-of-a-pool".getBytes();
  private final TestClock clock = new TestClock(Instant.parse("2026-11-21T09:00:00Z"));
  private final NonceFactory nonces = new NonceFactory(KEY, clock, Duration.ofMinutes(5));
  private final DigestVerifier verifier =
      new DigestVerifier("acme", nonces, List.of(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256));
  private final DigestSecret alice = Digest.secret("alice", "acme", "correct horse");

  /** RFC 2617 §3.5's worked example (MD5, qop=auth). */
  @Test
  void matchesRfc2617sExample() {
    DigestCredentials credentials =
        DigestCredentials.parse(
                "Digest username=\"Mufasa\", realm=\"testrealm@host.com\","
                    + " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\","
                    + " qop=auth, nc=00000001, cnonce=\"0a4f113b\","
                    + " response=\"6629fae49393a05397450978507c4ef1\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"")
            .orElseThrow();
    String ha1 = Digest.md5Hex("Mufasa:testrealm@host.com:Circle Of Life");

    assertThat(DigestVerifier.expectedResponse(DigestAlgorithm.MD5, ha1, "GET", credentials))
        .isEqualTo(credentials.get("response"));
  }

  /** RFC 7616 §3.9.1's SHA-256 example, the algorithm RFC 8760 brings to SIP. */
  @Test
  void matchesRfc7616sSha256Example() {
    DigestCredentials credentials =
        DigestCredentials.parse(
                "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\","
                    + " algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\","
                    + " nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth,"
                    + " response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"")
            .orElseThrow();
    String ha1 = Digest.sha256Hex("Mufasa:http-auth@example.org:Circle of Life");

    assertThat(DigestVerifier.expectedResponse(DigestAlgorithm.SHA_256, ha1, "GET", credentials))
        .isEqualTo(credentials.get("response"));
  }

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void acceptsAPhoneThatAnswersTheChallenge(DigestAlgorithm algorithm) {
    DigestCredentials answer = phoneAnswers(algorithm, "alice", "correct horse");

    assertThat(verifier.verify("REGISTER", answer, alice)).isEqualTo(DigestVerifier.Verdict.OK);
  }

  @Test
  void refusesAWrongPasswordAnotherUserAndAForgedNonce() {
    assertThat(
            verifier.verify(
                "REGISTER", phoneAnswers(DigestAlgorithm.MD5, "alice", "hunter2"), alice))
        .isEqualTo(DigestVerifier.Verdict.WRONG);
    assertThat(
            verifier.verify(
                "REGISTER", phoneAnswers(DigestAlgorithm.MD5, "mallory", "correct horse"), alice))
        .isEqualTo(DigestVerifier.Verdict.WRONG);
    DigestVerifier otherKey =
        new DigestVerifier(
            "acme",
            NonceFactory.random(clock, Duration.ofMinutes(5)),
            List.of(DigestAlgorithm.MD5));
    assertThat(
            otherKey.verify(
                "REGISTER", phoneAnswers(DigestAlgorithm.MD5, "alice", "correct horse"), alice))
        .isEqualTo(DigestVerifier.Verdict.WRONG);
  }

  @Test
  void aRightAnswerOnAnExpiredNonceIsStaleNotWrong() {
    DigestCredentials answer = phoneAnswers(DigestAlgorithm.SHA_256, "alice", "correct horse");
    clock.advance(Duration.ofMinutes(6));

    assertThat(verifier.verify("REGISTER", answer, alice)).isEqualTo(DigestVerifier.Verdict.STALE);
    assertThat(verifier.challenges(true)).allSatisfy(c -> assertThat(c).endsWith("stale=true"));
  }

  /** RFC 8760 §2.4: one challenge per algorithm, in the trunk's order of preference. */
  @ParameterizedTest
  @CsvSource({
    "MD5, MD5",
    "SHA_256, SHA-256",
    "SHA_256 MD5, SHA-256 MD5",
    "MD5 SHA_256, MD5 SHA-256"
  })
  void offersOneChallengePerAlgorithmInTheOrderGiven(String offered, String challenged) {
    DigestVerifier trunk = new DigestVerifier("acme", nonces, algorithms(offered));

    List<String> challenges = trunk.challenges(false);

    assertThat(challenges)
        .extracting(c -> c.replaceAll(".*algorithm=([A-Z0-9-]+).*", "$1"))
        .containsExactly(challenged.split(" "));
    // One nonce for all of them, so that whichever the phone picks is checked alike.
    assertThat(challenges)
        .extracting(DigestVerifierTest::nonce)
        .containsOnly(nonce(challenges.get(0)));
  }

  /** A trunk set to SHA-256 alone must not be answerable in MD5, even with the right password. */
  @Test
  void refusesAnAnswerInAnAlgorithmTheTrunkDoesNotOffer() {
    DigestCredentials md5 = phoneAnswers(DigestAlgorithm.MD5, "alice", "correct horse");
    DigestCredentials sha256 = phoneAnswers(DigestAlgorithm.SHA_256, "alice", "correct horse");

    assertThat(
            new DigestVerifier("acme", nonces, List.of(DigestAlgorithm.SHA_256))
                .verify("REGISTER", md5, alice))
        .isEqualTo(DigestVerifier.Verdict.WRONG);
    assertThat(
            new DigestVerifier("acme", nonces, List.of(DigestAlgorithm.MD5))
                .verify("REGISTER", sha256, alice))
        .isEqualTo(DigestVerifier.Verdict.WRONG);
    assertThat(
            new DigestVerifier("acme", nonces, List.of(DigestAlgorithm.SHA_256))
                .verify("REGISTER", sha256, alice))
        .isEqualTo(DigestVerifier.Verdict.OK);
  }

  @Test
  void aSnapshotsTokensBecomeTheOfferedAlgorithmsAndNoneKnownMeansMd5() {
    assertThat(DigestAlgorithm.offered(List.of("SHA-256", "MD5")))
        .containsExactly(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    assertThat(DigestAlgorithm.offered(List.of("SHA-512-256", "MD5", "MD5")))
        .containsExactly(DigestAlgorithm.MD5);
    assertThat(DigestAlgorithm.offered(List.of())).containsExactly(DigestAlgorithm.MD5);
  }

  private static List<DigestAlgorithm> algorithms(String names) {
    return Arrays.stream(names.split(" ")).map(DigestAlgorithm::valueOf).toList();
  }

  private static String nonce(String challenge) {
    return challenge.replaceAll(".*nonce=\"([^\"]+)\".*", "$1");
  }

  /**
   * What a phone does with the first challenge of {@code algorithm}: RFC 2617 §3.2.2 with qop=auth.
   */
  /**
   * A line of MD5 alone has no SHA-256 HA1 in its shard. Should a verifier offer SHA-256 for it, no
   * answer in SHA-256 passes: not the right password's, and not one computed from the HA1 "null"
   * that a missing value would become in a string.
   */
  @Test
  void refusesAnAnswerInAnAlgorithmTheSecretHasNoHa1For() {
    DigestSecret md5Only = alice.in(List.of("MD5"));
    assertThat(md5Only.ha1Sha256()).isNull();

    assertThat(
            verifier.verify(
                "REGISTER",
                phoneAnswers(DigestAlgorithm.SHA_256, "alice", "correct horse"),
                md5Only))
        .isEqualTo(DigestVerifier.Verdict.WRONG);
    assertThat(
            verifier.verify(
                "REGISTER", answerWithHa1(DigestAlgorithm.SHA_256, "alice", "null"), md5Only))
        .isEqualTo(DigestVerifier.Verdict.WRONG);
    assertThat(
            verifier.verify(
                "REGISTER", phoneAnswers(DigestAlgorithm.MD5, "alice", "correct horse"), md5Only))
        .isEqualTo(DigestVerifier.Verdict.OK);
  }

  private DigestCredentials phoneAnswers(DigestAlgorithm algorithm, String user, String password) {
    return answerWithHa1(algorithm, user, algorithm.hash(user + ":acme:" + password));
  }

  private DigestCredentials answerWithHa1(DigestAlgorithm algorithm, String user, String ha1) {
    String challenge =
        verifier.challenges(false).stream()
            .filter(c -> c.contains("algorithm=" + algorithm.token()))
            .findFirst()
            .orElseThrow();
    String nonce = nonce(challenge);
    String uri = "sip:127.0.0.1";
    String ha2 = algorithm.hash("REGISTER:" + uri);
    String response = algorithm.hash(ha1 + ":" + nonce + ":00000001:c0ffee:auth:" + ha2);
    return DigestCredentials.parse(
            "Digest username=\"%s\", realm=\"acme\", nonce=\"%s\", uri=\"%s\", response=\"%s\", algorithm=%s, qop=auth, nc=00000001, cnonce=\"c0ffee\""
                .formatted(user, nonce, uri, response, algorithm.token()))
        .orElseThrow();
  }
}
