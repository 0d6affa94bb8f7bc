using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

internal sealed partial class PolicyBuilder
{
    /// <summary>The rule's approval: required with <see cref="Gate.RequireApproval"/>, refused with any other gate.
    /// With an unreadable gate the approval is still checked, so that its own errors show.</summary>
    private ApprovalSpec? GateApproval(YMapping rule, Gate? gate)
    {
        var node = rule.Get("approval");
        if (node is null)
        {
            if (gate == Gate.RequireApproval)
                Diagnostics.Add(rule.Get("gate")!, "gate require_approval needs an 'approval' mapping (role, timeout, on_timeout, offline)");
            return null;
        }
        if (gate is { } other && other != Gate.RequireApproval)
        {
            Diagnostics.Add(rule.Key("approval")!, $"'approval' is allowed only with gate: require_approval (this rule's gate is {PolicyNames.Of(other)})");
            return null;
        }
        return Approval(node);
    }

    private ApprovalSpec? Approval(YNode node)
    {
        if (Mapping(node, "an approval mapping (role, timeout, on_timeout, offline)") is not { } map)
            return null;
        CheckKeys(map, "approval", PolicyKeys.Approval);
        const string owner = "approval";
        var role = Required(map, "role", owner) is { } r ? Word(r, "role", PolicyNames.Roles) : null;
        var timeout = Required(map, "timeout", owner) is { } t ? Duration(t) : null;
        var onTimeout = Required(map, "on_timeout", owner) is { } o ? Word(o, "on_timeout", PolicyNames.ApprovalDefaults) : null;
        var offline = Required(map, "offline", owner) is { } off ? Word(off, "offline", PolicyNames.OfflineApprovals) : null;
        var maxAgeNode = map.Get("max_age");
        var maxAge = maxAgeNode is null ? timeout : Duration(maxAgeNode);
        if (role is null || timeout is null || onTimeout is null || offline is null || maxAge is null)
            return null;
        return new ApprovalSpec
        {
            Role = PolicyNames.Roles[role.Value],
            Timeout = timeout.Value,
            OnTimeout = (ApprovalDefault)onTimeout.Value,
            Offline = (OfflineApproval)offline.Value,
            MaxAge = maxAge.Value,
        };
    }
}
