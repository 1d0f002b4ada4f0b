package io.trunkline.api.config;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Which lines claim each key (a number, a user name, a Secret's name), the first by name winning
 * it. Nearly every key has one claimant, held as its name alone; a set only for those with more.
 */
final class LineClaims {
  private final Map<String, Object> byKey = new HashMap<>();

  void add(String key, String name) {
    Object held = byKey.get(key);
    if (held == null) {
      byKey.put(key, name);
    } else if (held instanceof String one) {
      if (!one.equals(name)) {
        byKey.put(key, new TreeSet<>(List.of(one, name)));
      }
    } else {
      set(held).add(name);
    }
  }

  void remove(String key, String name) {
    Object held = byKey.get(key);
    if (held instanceof String one) {
      if (one.equals(name)) {
        byKey.remove(key);
      }
    } else if (held != null) {
      TreeSet<String> set = set(held);
      set.remove(name);
      if (set.size() == 1) {
        byKey.put(key, set.first());
      }
    }
  }

  String first(String key) {
    Object held = byKey.get(key);
    return held instanceof String one ? one : held == null ? null : set(held).first();
  }

  Collection<String> claimants(String key) {
    Object held = byKey.get(key);
    return held instanceof String one ? List.of(one) : held == null ? List.of() : set(held);
  }

  void clear() {
    byKey.clear();
  }

  @SuppressWarnings("unchecked")
  private static TreeSet<String> set(Object held) {
    return (TreeSet<String>) held;
  }
}
