/**
 * Version {@value io.trunkline.api.v1alpha1.Trunkline#VERSION} of the Trunkline API, group {@value
 * io.trunkline.api.v1alpha1.Trunkline#GROUP}: the resources a platform team applies to run SIP
 * trunk clusters.
 */
package io.trunkline.api.v1alpha1;
