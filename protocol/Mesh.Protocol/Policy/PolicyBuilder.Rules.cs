using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

internal sealed partial class PolicyBuilder
{
    private const string ActionRule = "lower-case letters, digits, '_', '.' and '-', starting with a letter or digit, at most 64 characters";

    private readonly Dictionary<string, TextPosition> _ruleIds = new(StringComparer.Ordinal);

    private IReadOnlyList<PolicyRule>? Rules(YNode node)
    {
        if (Sequence(node, "a list of rules") is not { } seq)
            return null;
        if (seq.Items.Count == 0)
        {
            Diagnostics.Add(seq, "'rules' needs at least one rule");
            return null;
        }
        var rules = new List<PolicyRule>();
        foreach (var item in seq.Items)
            if (Rule(item) is { } rule)
                rules.Add(rule);
        return rules.Count == seq.Items.Count ? rules : null;
    }

    private PolicyRule? Rule(YNode node)
    {
        if (Mapping(node, "a rule (a mapping with id, when and action)") is not { } map)
            return null;
        CheckKeys(map, "rule", PolicyKeys.Rule);
        var idNode = Required(map, "id", "rule");
        var id = idNode is null ? null : Name(idNode, "rule id", PolicyNames.IsValidId, IdRule);
        if (id is not null && !_ruleIds.TryAdd(id, idNode!.At))
        {
            Diagnostics.Add(idNode!, $"duplicate rule id '{id}' (first at {_ruleIds[id]})");
            id = null;
        }
        var owner = id is null ? "rule" : $"rule '{id}'";
        // "groups: []" means every device, like no key at all; a malformed value counts as naming groups, so
        // that the model checks do not add errors to the one already reported for it.
        var references = new RuleReferences(map.Get("groups") is { } named && named is not YSequence { Items.Count: 0 });
        _references.Add(references);

        var description = map.Get("description") is { } d ? Text(d) : "";
        var groups = map.Get("groups") is { } g ? RuleGroups(g, references) : [];
        var when = Required(map, "when", owner) is { } w ? Condition(w, references) : null;
        var clear = map.Get("clear") is { } c ? Condition(c, references) : null;
        var action = Required(map, "action", owner) is { } a ? Name(a, "action", PolicyNames.IsValidAction, ActionRule) : null;
        var clearAction = map.Get("clear_action") is { } ca ? Name(ca, "action", PolicyNames.IsValidAction, ActionRule) : "";
        var priority = map.Get("priority") is { } p ? Integer(p, int.MinValue, int.MaxValue) : 0;
        var gate = map.Get("gate") is { } gt ? (Gate?)Word(gt, "gate", PolicyNames.Gates) : Gate.Allow;
        var approval = GateApproval(map, gate);

        var clearOk = map.Get("clear") is null || clear is not null;
        var approvalOk = gate != Gate.RequireApproval || approval is not null;
        if (id is null || description is null || groups is null || when is null || !clearOk || action is null
            || clearAction is null || priority is null || gate is null || !approvalOk)
            return null;
        return new PolicyRule
        {
            Id = id,
            Description = description,
            Groups = groups,
            When = when,
            Clear = clear,
            Action = action,
            ClearAction = clearAction,
            Priority = (int)priority.Value,
            Gate = gate.Value,
            Approval = approval,
        };
    }

    private List<string>? RuleGroups(YNode node, RuleReferences references)
    {
        if (Sequence(node, "a list of group ids") is not { } seq)
            return null;
        var ids = new List<string>();
        foreach (var item in seq.Items)
        {
            if (Name(item, "group id", PolicyNames.IsValidId, IdRule) is not { } id)
                continue;
            ids.Add(id);
            references.Groups.Add((id, item));
        }
        return ids.Count == seq.Items.Count ? ids : null;
    }
}
