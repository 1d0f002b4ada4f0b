package io.trunkline.api.v1alpha1;

/** Names shared by every kind of this API version. */
public final class Trunkline {

  /** The API group, kept for the life of the project: renaming it would orphan every resource. */
  public static final String GROUP = "trunkline.io";

  public static final String VERSION = "v1alpha1";

  /** {@code kubectl get trunkline} lists every kind of the group. */
  public static final String CATEGORY = "trunkline";

  private Trunkline() {}
}
