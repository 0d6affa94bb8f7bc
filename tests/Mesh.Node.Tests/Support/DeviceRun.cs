using Mesh.Node.Agents;
using Mesh.Node.Decisions;
using Mesh.Node.Policy;
using Mesh.Protocol;

namespace Mesh.Node.Tests.Support;

/// <summary>Feeds readings of one device through the pure decision core, applying each decision to the state,
/// as a device agent does.</summary>
public sealed class DeviceRun(DevicePolicy policy, string device = "dev-1", int redeliveryWindow = 8)
{
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public const string Digest = "00000000000000000000000000000000000000000000000000000000000000ff";

    public DevicePolicy Policy { get; set; } = policy;

    public DeviceState State { get; set; } = DeviceState.Empty;

    public long Seq { get; private set; }

    public static Observation Reading(string device, long seq, double atSeconds, params (string Name, double Value)[] metrics) =>
        new(new SiteId(TestPolicies.Site), new DeviceId(device), seq, T0.AddSeconds(atSeconds),
            [.. metrics.Select(m => new Metric(m.Name, m.Value)).OrderBy(m => m.Name, StringComparer.Ordinal)]);

    /// <summary>The next reading (sequence + 1) at <paramref name="atSeconds"/> after <see cref="T0"/>.</summary>
    public DeviceEvents.ReadingProcessed Feed(double atSeconds, params (string Name, double Value)[] metrics) =>
        Feed(Reading(device, ++Seq, atSeconds, metrics), InferenceResults.None);

    public DeviceEvents.ReadingProcessed Feed(Observation observation, InferenceResults inference)
    {
        Seq = Math.Max(Seq, observation.Seq);
        var decision = DecisionCore.Decide(State, observation, Policy, inference, Digest);
        decision.Outcome.ShouldBe(DecisionOutcome.Accepted);
        var evt = decision.Event.ShouldNotBeNull();
        State = State.Apply(evt, redeliveryWindow);
        return evt;
    }

    /// <summary>The actions a reading proposed, as <c>action:gate</c> (empty when no rule switched).</summary>
    public string Proposed(double atSeconds, params (string Name, double Value)[] metrics) => Describe(Feed(atSeconds, metrics));

    public static string Describe(DeviceEvents.ReadingProcessed evt) =>
        string.Join(", ", evt.Fired.Select(f => $"{(f.Action.Length == 0 ? "-" : f.Action)}:{f.Gate}"));
}
