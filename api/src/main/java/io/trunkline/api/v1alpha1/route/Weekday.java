package io.trunkline.api.v1alpha1.route;

/** Days of the week, as short names in manifests. */
public enum Weekday {
  Mon,
  Tue,
  Wed,
  Thu,
  Fri,
  Sat,
  Sun
}
