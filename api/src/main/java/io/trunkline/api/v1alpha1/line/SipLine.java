package io.trunkline.api.v1alpha1.line;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.trunkline.api.v1alpha1.ResourceStatus;
import io.trunkline.api.v1alpha1.Trunkline;

/**
 * One device's line (desk phone, softphone): a registrable identity with credentials and a number,
 * normally one channel, served by the SipTrunk it is attached to.
 */
@Group(Trunkline.GROUP)
@Version(Trunkline.VERSION)
@ShortNames("line")
@Categories(Trunkline.CATEGORY)
@AdditionalPrinterColumn(
    name = "Trunk",
    jsonPath = ".spec.trunk",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Number",
    jsonPath = ".spec.number",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class SipLine extends CustomResource<SipLineSpec, ResourceStatus> implements Namespaced {}
