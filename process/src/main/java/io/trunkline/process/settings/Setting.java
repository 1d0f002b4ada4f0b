package io.trunkline.process.settings;

import java.util.Objects;

/**
 * One setting of a process: the command-line flag that sets it, the environment variable behind it
 * (what a pod's Deployment sets), its default, and what it means, for the usage text. A setting has
 * a flag, a variable or both.
 *
 * @param flag {@code --name}, or null when only the environment sets it
 * @param variable the environment variable, or null when only a flag sets it
 * @param defaultValue the value when neither is given, or null for none
 * @param meaning what the setting does, one line of the usage text
 */
public record Setting(String flag, String variable, String defaultValue, String meaning) {

  public Setting {
    if (flag == null && variable == null) {
      throw new IllegalArgumentException("a setting needs a flag or a variable: " + meaning);
    }
    if (flag != null && !flag.startsWith("--")) {
      throw new IllegalArgumentException("a flag starts with --: " + flag);
    }
    Objects.requireNonNull(meaning, "meaning");
  }

  /** A setting only the command line sets. */
  public static Setting flag(String flag, String defaultValue, String meaning) {
    return new Setting(flag, null, defaultValue, meaning);
  }

  /** A setting only the environment sets. */
  public static Setting variable(String variable, String defaultValue, String meaning) {
    return new Setting(null, variable, defaultValue, meaning);
  }

  /** The flag and the variable, as a message names the setting: {@code --zone (TRUNKLINE_ZONE)}. */
  public String names() {
    if (flag == null) {
      return variable;
    }
    return variable == null ? flag : flag + " (" + variable + ")";
  }
}
