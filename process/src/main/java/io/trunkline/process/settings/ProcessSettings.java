package io.trunkline.process.settings;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A process's settings, read the same way by every entry point (the proxy pod, the relay, the
 * standalone edge): a {@code --flag value} on the command line wins over its environment variable,
 * which wins over the default. An empty variable counts as unset, which is how Kubernetes renders a
 * label or field the pod does not have. A flag may be given more than once ({@link #all}); an
 * argument that is not a flag is positional ({@link #arguments}). A wrong value is refused naming
 * the flag or variable it came from, with {@link IllegalArgumentException}.
 */
public final class ProcessSettings {

  /** A value and where it came from: a flag, a variable, or the default (the setting's names). */
  private record Value(String text, String source) {}

  private final Map<Setting, List<Value>> values;
  private final List<String> arguments;

  private ProcessSettings(Map<Setting, List<Value>> values, List<String> arguments) {
    this.values = values;
    this.arguments = List.copyOf(arguments);
  }

  /**
   * Reads {@code args} over {@code env}.
   *
   * @param known every setting the process takes; another flag is refused
   * @throws IllegalArgumentException for an unknown flag or a flag without a value
   */
  public static ProcessSettings read(
      List<Setting> known, List<String> args, Map<String, String> env) {
    Map<String, Setting> byFlag = new HashMap<>();
    for (Setting setting : known) {
      if (setting.flag() != null) {
        byFlag.put(setting.flag(), setting);
      }
    }
    Map<Setting, List<Value>> fromFlags = new HashMap<>();
    List<String> arguments = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        arguments.add(arg);
        continue;
      }
      Setting setting = byFlag.get(arg);
      if (setting == null) {
        throw new IllegalArgumentException("unknown option " + arg);
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      fromFlags.computeIfAbsent(setting, s -> new ArrayList<>()).add(new Value(args.get(++i), arg));
    }
    Map<Setting, List<Value>> values = new LinkedHashMap<>();
    for (Setting setting : known) {
      String variable = setting.variable() == null ? null : env.get(setting.variable());
      if (fromFlags.containsKey(setting)) {
        values.put(setting, List.copyOf(fromFlags.get(setting)));
      } else if (variable != null && !variable.isBlank()) {
        values.put(setting, List.of(new Value(variable, setting.variable())));
      } else if (setting.defaultValue() != null) {
        values.put(setting, List.of(new Value(setting.defaultValue(), setting.names())));
      } else {
        values.put(setting, List.of());
      }
    }
    return new ProcessSettings(values, arguments);
  }

  /** Reads {@code args} over {@code env}; see {@link #read(List, List, Map)}. */
  public static ProcessSettings read(List<Setting> known, String[] args, Map<String, String> env) {
    return read(known, List.of(args), env);
  }

  /** Reads the environment alone, as a pod whose Deployment sets every setting does. */
  public static ProcessSettings environment(List<Setting> known, Map<String, String> env) {
    return read(known, List.of(), env);
  }

  /** The arguments that are not flags or their values, in order. */
  public List<String> arguments() {
    return arguments;
  }

  /** Whether a flag, the variable or a default gives the setting a value. */
  public boolean has(Setting setting) {
    return !values(setting).isEmpty();
  }

  /** The value, when there is one; the last flag's when the flag was given more than once. */
  public Optional<String> optional(Setting setting) {
    List<Value> all = values(setting);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1).text());
  }

  /**
   * The value.
   *
   * @throws IllegalArgumentException naming the setting and what it means, when it has none
   */
  public String text(Setting setting) {
    return last(setting).text();
  }

  /** Every value of a flag given more than once, in order; else the one value, if any. */
  public List<String> all(Setting setting) {
    return values(setting).stream().map(Value::text).toList();
  }

  /**
   * The value read by {@code parse}, which throws any runtime exception for a wrong value: an
   * {@link IllegalArgumentException}'s message says why, in a few words.
   */
  public <T> T value(Setting setting, String form, Function<String, T> parse) {
    return parse(last(setting), form, parse);
  }

  /**
   * A secret value read by {@code parse}, like {@link #value} except that a refusal does not repeat
   * the text: a value that is wrong by one character is still most of a key, and refusals get
   * logged.
   */
  public <T> T secret(Setting setting, String form, Function<String, T> parse) {
    Value value = last(setting);
    try {
      return parse.apply(value.text());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(value.source() + " must be " + form + because(e));
    }
  }

  public int integer(Setting setting) {
    return value(setting, "a number", text -> Integer.parseInt(text.trim()));
  }

  /** A port peers send to: 1 to 65535. */
  public int port(Setting setting) {
    return value(
        setting,
        "a port (1-65535)",
        text -> {
          int port = Integer.parseInt(text.trim());
          if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("out of range");
          }
          return port;
        });
  }

  /** A number of seconds. */
  public Duration seconds(Setting setting) {
    return value(
        setting, "a number of seconds", text -> Duration.ofSeconds(Long.parseLong(text.trim())));
  }

  /** {@code true} or {@code false}, nothing else. */
  public boolean bool(Setting setting) {
    return value(setting, "true or false", ProcessSettings::bool);
  }

  /** An IP literal (an IPv6 one with or without brackets) or a name, resolved now. */
  public InetAddress address(Setting setting) {
    return value(setting, "an address", ProcessSettings::address);
  }

  /** {@code HOST:PORT} or {@code [IPV6]:PORT}, the host left unresolved. */
  public HostPort hostPort(Setting setting) {
    return value(setting, "ADDRESS:PORT", HostPort::parse);
  }

  /** {@code HOST:PORT} or {@code [IPV6]:PORT}, the host resolved now. */
  public InetSocketAddress socketAddress(Setting setting) {
    return value(setting, "ADDRESS:PORT", ProcessSettings::socketAddress);
  }

  /** Every value of a flag given more than once, each read as {@link #socketAddress}. */
  public List<InetSocketAddress> socketAddresses(Setting setting) {
    return values(setting).stream()
        .map(value -> parse(value, "ADDRESS:PORT", ProcessSettings::socketAddress))
        .toList();
  }

  /** The usage text: {@code synopsis}, then one line per setting with its variable and default. */
  public static String usage(String synopsis, List<Setting> known) {
    int flagWidth =
        known.stream().mapToInt(s -> s.flag() == null ? 0 : s.flag().length()).max().orElse(0);
    int variableWidth =
        known.stream()
            .mapToInt(s -> s.variable() == null ? 0 : s.variable().length())
            .max()
            .orElse(0);
    StringBuilder usage = new StringBuilder("usage: ").append(synopsis).append('\n');
    for (Setting setting : known) {
      usage.append(' ');
      if (flagWidth > 0) {
        usage.append(' ').append(pad(setting.flag(), flagWidth));
      }
      if (variableWidth > 0) {
        usage.append(' ').append(pad(setting.variable(), variableWidth));
      }
      usage.append(' ').append(setting.meaning());
      String fallback = setting.defaultValue();
      if (fallback != null && !fallback.isEmpty()) {
        usage.append(" (default ").append(fallback).append(')');
      }
      usage.append('\n');
    }
    return usage.toString();
  }

  private List<Value> values(Setting setting) {
    List<Value> all = values.get(setting);
    if (all == null) {
      throw new IllegalArgumentException("not a setting of this process: " + setting.names());
    }
    return all;
  }

  private Value last(Setting setting) {
    List<Value> all = values(setting);
    if (all.isEmpty()) {
      throw new IllegalArgumentException(setting.names() + " is required: " + setting.meaning());
    }
    return all.get(all.size() - 1);
  }

  private static <T> T parse(Value value, String form, Function<String, T> parse) {
    try {
      return parse.apply(value.text());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          value.source() + " must be " + form + ": " + value.text() + because(e));
    }
  }

  /** Our parsers say why in a few words; the JDK's number parsers only repeat the text. */
  private static String because(RuntimeException e) {
    return e instanceof IllegalArgumentException
            && !(e instanceof NumberFormatException)
            && e.getMessage() != null
        ? " (" + e.getMessage() + ")"
        : "";
  }

  private static boolean bool(String text) {
    if (!text.equals("true") && !text.equals("false")) {
      throw new IllegalArgumentException();
    }
    return text.equals("true");
  }

  private static InetAddress address(String text) {
    String host =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (host.isBlank()) {
      // InetAddress would take "" for the loopback address.
      throw new IllegalArgumentException("no address");
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unknown host");
    }
  }

  private static InetSocketAddress socketAddress(String text) {
    HostPort hostPort = HostPort.parse(text);
    return new InetSocketAddress(address(hostPort.host()), hostPort.port());
  }

  private static String pad(String text, int width) {
    // One space more than the longest, so that columns stay apart by two.
    return String.format("%-" + (width + 1) + "s", text == null ? "" : text);
  }
}
