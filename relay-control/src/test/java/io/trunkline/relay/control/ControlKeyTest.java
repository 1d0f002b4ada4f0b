package io.trunkline.relay.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ControlKeyTest {

  private static final String KEY_HEX = "000102030405060708090a0b0c0d0e0f".repeat(2);

  @Test
  void aDerivedKeyIsTheHmacOfItsPurposeSoEveryHolderDerivesItAlike() {
    ControlKey key = ControlKey.parse(KEY_HEX);

    // HMAC-SHA256 under the key, computed apart (Python's hmac module).
    assertThat(HexFormat.of().formatHex(key.derive("trunkline digest nonces")))
        .isEqualTo("37e67511643483f4d291a3fc3f79b63e19f250aa6288f31c87b3c19206f4ed60");
    assertThat(ControlKey.parse(KEY_HEX).derive("a")).isEqualTo(key.derive("a"));
    assertThat(key.derive("a")).isNotEqualTo(key.derive("b"));
  }
}
