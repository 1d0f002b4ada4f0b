/**
 * The Kubernetes objects a SipTrunk becomes, one builder per component: {@link TrunkMetadata} names
 * and labels them, {@link ProxyPool} and {@link RelayPool} build the two pools, {@link
 * SnapshotObjects} the snapshot and credentials, {@link RelayControl} the key the pools sign relay
 * control with, {@link DataPlanePods} what both pools' pods share. All are pure functions of the
 * trunk (and its compiled snapshot, or the key it already has), testable without a cluster and
 * applied by the trunk's dependent resources.
 */
package io.trunkline.operator.trunk.pool;
