package io.trunkline.bench.media;

import io.trunkline.relay.control.ControlKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's settings, from {@code --name value} options (bench/media-pps.sh passes them), and
 * the relay's control key from {@code TRUNKLINE_RELAY_CONTROL_KEY}, as the relay reads it (an
 * option would show the key in every process listing); null when unset.
 */
record Settings(
    List<String> targets,
    InetSocketAddress relayControl,
    ControlKey relayControlKey,
    long relayPid,
    InetSocketAddress rtpengineControl,
    long rtpenginePid,
    InetAddress callerHost,
    InetAddress calleeHost,
    int threads,
    int phonesPerSocket,
    int stepSeconds,
    int warmupSeconds,
    int settleSeconds,
    int startCalls,
    int maxCalls,
    int baselineMaxCalls,
    int refine,
    List<Integer> fixedCalls) {

  static Settings parse(String[] args) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("--targets", "baseline,rtpengine,trunkline");
    values.put("--relay-control", "127.0.0.1:22220");
    values.put("--relay-pid", "0");
    values.put("--rtpengine-control", "127.0.0.1:22230");
    values.put("--rtpengine-pid", "0");
    values.put("--caller-host", "127.0.0.2");
    values.put("--callee-host", "127.0.0.3");
    values.put("--threads", "2");
    values.put("--phones-per-socket", "50");
    values.put("--step-seconds", "10");
    values.put("--warmup-seconds", "2");
    values.put("--settle-seconds", "2");
    values.put("--start-calls", "50");
    values.put("--max-calls", "3200");
    values.put("--baseline-max-calls", "6400");
    values.put("--refine", "2");
    values.put("--fixed-calls", "");
    for (int i = 0; i < args.length; i += 2) {
      if (!values.containsKey(args[i]) || i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown option or missing value: " + args[i]);
      }
      values.put(args[i], args[i + 1]);
    }
    return new Settings(
        List.of(values.get("--targets").split(",")),
        address(values.get("--relay-control")),
        System.getenv("TRUNKLINE_RELAY_CONTROL_KEY") == null
            ? null
            : ControlKey.parse(System.getenv("TRUNKLINE_RELAY_CONTROL_KEY")),
        Long.parseLong(values.get("--relay-pid")),
        address(values.get("--rtpengine-control")),
        Long.parseLong(values.get("--rtpengine-pid")),
        InetAddress.getByName(values.get("--caller-host")),
        InetAddress.getByName(values.get("--callee-host")),
        Integer.parseInt(values.get("--threads")),
        Integer.parseInt(values.get("--phones-per-socket")),
        Integer.parseInt(values.get("--step-seconds")),
        Integer.parseInt(values.get("--warmup-seconds")),
        Integer.parseInt(values.get("--settle-seconds")),
        Integer.parseInt(values.get("--start-calls")),
        Integer.parseInt(values.get("--max-calls")),
        Integer.parseInt(values.get("--baseline-max-calls")),
        Integer.parseInt(values.get("--refine")),
        values.get("--fixed-calls").isBlank()
            ? List.of()
            : Arrays.stream(values.get("--fixed-calls").split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList());
  }

  private static InetSocketAddress address(String value) throws IOException {
    int colon = value.lastIndexOf(':');
    return new InetSocketAddress(
        InetAddress.getByName(value.substring(0, colon)),
        Integer.parseInt(value.substring(colon + 1)));
  }
}
