package io.trunkline.api.v1alpha1.trunk;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.trunkline.api.v1alpha1.Trunkline;

/**
 * A SIP trunk cluster: a bundle of channels (one channel carries one concurrent call) towards one
 * or more upstream carriers, served by its own pools of SIP proxies and media relays.
 */
@Group(Trunkline.GROUP)
@Version(Trunkline.VERSION)
@ShortNames("trunk")
@Categories(Trunkline.CATEGORY)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Proxies",
    jsonPath = ".status.proxyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Channels",
    jsonPath = ".status.channelUse",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Carriers Up",
    jsonPath = ".status.carriersUp",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Shared State",
    jsonPath = ".status.conditions[?(@.type==\"SharedState\")].reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class SipTrunk extends CustomResource<SipTrunkSpec, SipTrunkStatus> implements Namespaced {}
