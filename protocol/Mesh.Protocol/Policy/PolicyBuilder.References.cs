using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

internal sealed partial class PolicyBuilder
{
    /// <summary>Rule → group references must name defined groups, and a model (or its confidence) may appear in a
    /// rule only where the model runs: in the skills of every group the rule applies to, or of some group
    /// when the rule applies to every device.</summary>
    private void CheckReferences()
    {
        foreach (var rule in _references)
        {
            foreach (var (id, node) in rule.Groups)
            {
                if (_groups.ContainsKey(id))
                    continue;
                var defined = _groups.Count == 0 ? "the policy defines no groups" : "defined groups: " + string.Join(", ", _groups.Keys);
                Diagnostics.Add(node, $"unknown group '{id}'; {defined}");
            }
            foreach (var (model, node) in rule.Models)
                CheckSkill(rule, model, node);
        }
    }

    private void CheckSkill(RuleReferences rule, string model, YNode node)
    {
        if (!rule.HasGroups)
        {
            if (!_groups.Values.Any(g => g.Skills.Contains(model)))
                Diagnostics.Add(node, $"'{model}' is not a skill of any group; a rule may use a model only where it runs (add it to a group's skills)");
            return;
        }
        var lacking = rule.Groups
            .Where(g => _groups.TryGetValue(g.Id, out var group) && !group.Skills.Contains(model))
            .Select(g => $"'{g.Id}'")
            .Distinct()
            .ToList();
        if (lacking.Count > 0)
            Diagnostics.Add(node, $"'{model}' is not a skill of group {string.Join(", ", lacking)}; a rule may use a model only where it runs");
    }

    /// <summary>What one rule refers to. <see cref="HasGroups"/>: the rule names groups (even if none parsed).</summary>
    private sealed class RuleReferences(bool hasGroups)
    {
        public bool HasGroups { get; } = hasGroups;

        public List<(string Id, YNode Node)> Groups { get; } = [];

        public List<(string Model, YNode Node)> Models { get; } = [];
    }
}
