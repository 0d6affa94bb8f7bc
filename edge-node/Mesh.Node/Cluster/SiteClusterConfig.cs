using System.Globalization;
using Akka.Configuration;

namespace Mesh.Node.Cluster;

/// <summary>
/// The Akka settings of a site member: remoting on <see cref="SiteClusterOptions.Host"/>, the seed members, the
/// split-brain resolver (keep-majority) and Cluster Sharding with its state in Distributed Data (nothing shared
/// on disk between members).
/// </summary>
public static class SiteClusterConfig
{
    public static Config For(SiteClusterOptions o, string systemName, string nodeId)
    {
        var seeds = string.Join(", ", o.SeedAddresses(systemName).Select(s => $"\"{s}\""));
        return ConfigurationFactory.ParseString($$"""
            akka {
              actor {
                provider = cluster
                serializers.mesh-site = "Mesh.Node.Cluster.SiteSerializer, Mesh.Node"
                serialization-bindings {
                  "Mesh.Node.Cluster.ISiteMessage, Mesh.Node" = mesh-site
                }
              }
              remote {
                dot-netty.tcp {
                  hostname = "{{o.Host}}"
                  port = {{o.Port}}
                  public-port = {{(o.PublicPort > 0 ? o.PublicPort : o.Port)}}
                }
                # Each member sends over its own connection to the other, never back over one the other opened: a
                # member that cannot reach another's endpoint then cannot talk to it at all (no half-open partitions).
                use-passive-connections = off
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = ["{{MembershipRecorder.RolePrefix}}{{nodeId}}"]
                # Members of a branch office start together: the first seed forms the cluster after 2 s without an answer.
                seed-node-timeout = 2s
                retry-unsuccessful-join-after = 2s
                failure-detector.acceptable-heartbeat-pause = {{Ms(o.FailureDetectionPause)}}
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{Ms(o.StableAfter)}}
                }
                # The survivors start a departed member's shards after this margin (not stable-after again): majority
                # writes, not the margin, keep two members from acknowledging for one device (Node:Cluster:RemovalMargin).
                down-removal-margin = {{Ms(o.RemovalMargin)}}
                # A member the others downed stops (its process exits and its supervisor starts it again, fresh).
                run-coordinated-shutdown-when-down = on
                sharding {
                  state-store-mode = ddata
                  remember-entities = off
                  # Hand shards back to a returning member soon, a few at a time.
                  rebalance-interval = 2s
                  least-shard-allocation-strategy.rebalance-absolute-limit = 5
                  least-shard-allocation-strategy.rebalance-relative-limit = 0.2
                }
              }
            }
            """);
    }

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
