package io.trunkline.api.v1alpha1.route;

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
 * How calls of one or more trunks are routed: rules that match the dialled number (E.164 prefix or
 * pattern), the calling line and the time, and either route to carriers with priority and weight or
 * reject the call.
 */
@Group(Trunkline.GROUP)
@Version(Trunkline.VERSION)
@ShortNames("route")
@Categories(Trunkline.CATEGORY)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class RoutePolicy extends CustomResource<RoutePolicySpec, ResourceStatus>
    implements Namespaced {}
