package io.trunkline.bench.media;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencode (BitTorrent BEP 3), the encoding of rtpengine's ng control protocol: byte strings,
 * integers, lists and dictionaries. Forty lines do not justify a dependency. Byte strings decode as
 * UTF-8 {@link String}s (the ng protocol carries SDP and ASCII words), integers as {@link Long}.
 */
final class Bencode {

  private Bencode() {}

  /** Encodes strings, integers, lists and maps with string keys (written in sorted order). */
  static byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(value, out);
    return out.toByteArray();
  }

  /**
   * Decodes one value that fills {@code data[offset, offset + length)}.
   *
   * @throws IllegalArgumentException when the bytes are not one bencoded value
   */
  static Object decode(byte[] data, int offset, int length) {
    Reader reader = new Reader(data, offset, offset + length);
    Object value = reader.value();
    if (reader.position != offset + length) {
      throw new IllegalArgumentException("trailing bytes after the value at " + reader.position);
    }
    return value;
  }

  private static void write(Object value, ByteArrayOutputStream out) {
    if (value instanceof String string) {
      byte[] bytes = string.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
      out.write(':');
      out.writeBytes(bytes);
    } else if (value instanceof Integer || value instanceof Long) {
      out.writeBytes(("i" + value + "e").getBytes(StandardCharsets.US_ASCII));
    } else if (value instanceof List<?> list) {
      out.write('l');
      list.forEach(element -> write(element, out));
      out.write('e');
    } else if (value instanceof Map<?, ?> map) {
      // BEP 3: keys are strings and appear in sorted order (raw bytes; ng keys are ASCII).
      out.write('d');
      new TreeMap<>(map)
          .forEach(
              (key, element) -> {
                write((String) key, out);
                write(element, out);
              });
      out.write('e');
    } else {
      throw new IllegalArgumentException("cannot bencode " + value);
    }
  }

  private static final class Reader {

    private final byte[] data;
    private final int end;
    private int position;

    Reader(byte[] data, int position, int end) {
      this.data = data;
      this.position = position;
      this.end = end;
    }

    Object value() {
      byte first = peek();
      switch (first) {
        case 'i' -> {
          position++;
          long number = number('e');
          return number;
        }
        case 'l' -> {
          position++;
          List<Object> list = new ArrayList<>();
          while (peek() != 'e') {
            list.add(value());
          }
          position++;
          return list;
        }
        case 'd' -> {
          position++;
          Map<String, Object> map = new LinkedHashMap<>();
          while (peek() != 'e') {
            if (!(value() instanceof String key)) {
              throw new IllegalArgumentException("dictionary key is not a string at " + position);
            }
            map.put(key, value());
          }
          position++;
          return map;
        }
        default -> {
          if (first < '0' || first > '9') {
            throw new IllegalArgumentException(
                "unexpected byte '" + (char) first + "' at " + position);
          }
          long length = number(':');
          if (length > end - position) {
            throw new IllegalArgumentException("string of " + length + " bytes overruns the end");
          }
          String string = new String(data, position, (int) length, StandardCharsets.UTF_8);
          position += (int) length;
          return string;
        }
      }
    }

    private long number(char terminator) {
      int start = position;
      while (peek() != terminator) {
        position++;
      }
      String digits = new String(data, start, position - start, StandardCharsets.US_ASCII);
      position++;
      try {
        return Long.parseLong(digits);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a number: '" + digits + "' at " + start);
      }
    }

    private byte peek() {
      if (position >= end) {
        throw new IllegalArgumentException("value ends early at " + position);
      }
      return data[position];
    }
  }
}
