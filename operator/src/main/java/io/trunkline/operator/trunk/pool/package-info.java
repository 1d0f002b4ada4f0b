/**
 * The Kubernetes objects a SipTrunk becomes, one builder per component: {@link TrunkMetadata} names
 * and labels them, {@link ProxyPool} and {@link RelayPool} build the two pools, {@link
 * SnapshotObjects} the snapshot and credentials, {@link DataPlanePods} what both pools' pods share.
 * All are pure functions of the trunk (and its compiled snapshot), testable without a cluster and
 * applied by the trunk's dependent resources.
 */
package io.trunkline.operator.trunk.pool;
