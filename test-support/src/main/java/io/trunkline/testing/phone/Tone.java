package io.trunkline.testing.phone;

import io.trunkline.testing.process.Commands;
import io.trunkline.testing.process.Executables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/**
 * Telephone audio for tests with real phones: a sine tone written by {@code sox} (8000 Hz, mono, 16
 * bit, what a PCMU call carries), and how much of a recording is that tone, measured with the
 * Goertzel algorithm on 20 ms blocks (one RTP packet each).
 */
public final class Tone {

  static final int RATE = 8000;

  /** 20 ms: with a 50 Hz bin width every multiple of 50 Hz falls on a bin centre. */
  static final int BLOCK = 160;

  /** Blocks quieter than this (RMS, of full scale) count as silence, not as a wrong tone. */
  static final double SILENCE = 0.02;

  private Tone() {}

  /** What a recording holds of one frequency. */
  public record Presence(double hz, double audibleSeconds, double purity) {

    /**
     * @return whether at least {@code seconds} of audio were heard and at least {@code share} of
     *     their energy was this tone (1.0: nothing else)
     */
    public boolean heard(double seconds, double share) {
      return audibleSeconds >= seconds && purity >= share;
    }
  }

  /** Writes {@code hz} as a sine of half full scale, {@code length} long, to {@code file}. */
  public static Path write(Path file, int hz, Duration length) {
    String sox = Executables.require("sox", "sox");
    Commands.Result made =
        Commands.run(
            Duration.ofSeconds(30),
            List.of(
                sox,
                "-n",
                "-r",
                Integer.toString(RATE),
                "-c",
                "1",
                "-b",
                "16",
                "-e",
                "signed-integer",
                file.toString(),
                "synth",
                Double.toString(length.toMillis() / 1000.0),
                "sine",
                Integer.toString(hz),
                "vol",
                "0.5"));
    if (made.exitCode() != 0) {
      throw new IllegalStateException("sox could not write " + file + ": " + made.output());
    }
    return file;
  }

  /** How much of {@code wav} (8000 Hz, mono, 16 bit) is the tone {@code hz}. */
  public static Presence measure(Path wav, double hz) {
    return measure(read(wav), hz);
  }

  /**
   * Over the blocks that are not silence: how long they last, and the median share of their energy
   * at {@code hz}. For a block x of N samples, 2|X(hz)|² / (N Σx²) is 1 for a pure tone at a bin
   * centre and near 0 for a tone elsewhere; the median keeps a few blocks the jitter buffer
   * stitched from being the verdict.
   */
  static Presence measure(short[] samples, double hz) {
    List<Double> purities = new ArrayList<>();
    for (int start = 0; start + BLOCK <= samples.length; start += BLOCK) {
      double[] block = new double[BLOCK];
      double energy = 0;
      for (int i = 0; i < BLOCK; i++) {
        block[i] = samples[start + i] / 32768.0;
        energy += block[i] * block[i];
      }
      if (Math.sqrt(energy / BLOCK) < SILENCE) {
        continue;
      }
      purities.add(2 * goertzelPower(block, hz) / (BLOCK * energy));
    }
    double[] sorted = purities.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
    return new Presence(hz, sorted.length * (double) BLOCK / RATE, median);
  }

  /** |X(hz)|² of {@code block} by the Goertzel recurrence. */
  static double goertzelPower(double[] block, double hz) {
    double coefficient = 2 * Math.cos(2 * Math.PI * hz / RATE);
    double previous = 0;
    double beforePrevious = 0;
    for (double sample : block) {
      double current = sample + coefficient * previous - beforePrevious;
      beforePrevious = previous;
      previous = current;
    }
    return previous * previous
        + beforePrevious * beforePrevious
        - coefficient * previous * beforePrevious;
  }

  static short[] read(Path wav) {
    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
      AudioFormat format = in.getFormat();
      if (format.getSampleRate() != RATE
          || format.getChannels() != 1
          || format.getSampleSizeInBits() != 16
          || format.getEncoding() != AudioFormat.Encoding.PCM_SIGNED) {
        throw new IllegalArgumentException(wav + " is not 8000 Hz mono 16-bit PCM: " + format);
      }
      byte[] bytes = in.readAllBytes();
      short[] samples = new short[bytes.length / 2];
      ByteBuffer.wrap(bytes)
          .order(format.isBigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
          .asShortBuffer()
          .get(samples);
      return samples;
    } catch (UnsupportedAudioFileException e) {
      throw new IllegalArgumentException(wav + " is not a WAV file", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
