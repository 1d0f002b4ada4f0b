package io.trunkline.testing.phone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ToneTest {

  @Test
  void aToneIsHeardAtItsFrequencyAndNotAtAnother() {
    short[] tone = sine(1000, 0.5, 8000);

    Tone.Presence at1000 = Tone.measure(tone, 1000);
    Tone.Presence at600 = Tone.measure(tone, 600);

    assertThat(at1000.audibleSeconds()).isEqualTo(1.0);
    assertThat(at1000.purity()).isCloseTo(1.0, within(0.01));
    assertThat(at1000.heard(1.0, 0.9)).isTrue();
    assertThat(at600.purity()).isLessThan(0.01);
    assertThat(at600.heard(1.0, 0.9)).isFalse();
  }

  @Test
  void twoTonesAtOnceAreNeitherPureAndSilenceIsNotHeard() {
    short[] a = sine(1000, 0.3, 8000);
    short[] b = sine(600, 0.3, 8000);
    short[] mixed = new short[a.length];
    for (int i = 0; i < a.length; i++) {
      mixed[i] = (short) (a[i] + b[i]);
    }

    assertThat(Tone.measure(mixed, 1000).purity()).isCloseTo(0.5, within(0.05));
    assertThat(Tone.measure(sine(1000, 0.001, 8000), 1000).audibleSeconds()).isZero();
  }

  private static short[] sine(double hz, double amplitude, int samples) {
    short[] out = new short[samples];
    for (int i = 0; i < samples; i++) {
      out[i] = (short) Math.round(amplitude * 32767 * Math.sin(2 * Math.PI * hz * i / 8000));
    }
    return out;
  }
}
