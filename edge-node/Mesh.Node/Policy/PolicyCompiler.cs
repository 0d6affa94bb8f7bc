using Mesh.Protocol.Policy;

namespace Mesh.Node.Policy;

/// <summary>Compiles the rules of a <see cref="SitePolicy"/> that apply to one device.</summary>
internal sealed class PolicyCompiler
{
    private readonly SortedSet<string> _metrics = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _models = new(StringComparer.Ordinal);
    private readonly List<(string Key, CompareCondition Predicate, TimeSpan Within)> _windows = [];

    public static DevicePolicy Compile(SitePolicy policy, string device, IReadOnlyDictionary<string, string> attributes)
    {
        var groups = policy.Groups.Where(g => Matches(g, device, attributes)).Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        var rules = policy.Rules.Where(r => r.Groups.Count == 0 || r.Groups.Any(groups.Contains)).ToArray();

        var compiler = new PolicyCompiler();
        foreach (var rule in rules)
        {
            compiler.Collect(rule.When, rule.Id + "/when");
            if (rule.Clear is { } clear)
                compiler.Collect(clear, rule.Id + "/clear");
        }
        var metrics = compiler._metrics.ToArray();
        var windows = compiler._windows
            .Select(w => new CompiledWindow(w.Key, (Comparison)compiler.Build(w.Predicate, metrics, w.Key), (long)w.Within.TotalMilliseconds))
            .ToArray();
        var compiled = rules.Select(r =>
        {
            var when = compiler.Build(r.When, metrics, r.Id + "/when");
            var clear = r.Clear is { } c ? compiler.Build(c, metrics, r.Id + "/clear") : new NotOf(when);
            return new CompiledRule(r, when, clear) { Models = string.Join(',', ModelsOf(r)) };
        }).ToArray();
        return new DevicePolicy(policy.Ref, metrics, compiled, windows, [.. policy.RateLimits], [.. compiler._models], policy.Routing);
    }

    /// <summary>The models a rule's conditions read, in order of first use.</summary>
    private static List<string> ModelsOf(PolicyRule rule)
    {
        var models = new List<string>();
        void Walk(PolicyCondition c)
        {
            switch (c)
            {
                case AllCondition all: foreach (var p in all.Parts) Walk(p); break;
                case AnyCondition any: foreach (var p in any.Parts) Walk(p); break;
                case NotCondition not: Walk(not.Part); break;
                case CountCondition count: Walk(count.Predicate); break;
                case CompareCondition { Operand: ModelOutputOperand o } when !models.Contains(o.Model): models.Add(o.Model); break;
                case CompareCondition { Operand: ConfidenceOperand o } when !models.Contains(o.Model): models.Add(o.Model); break;
            }
        }
        Walk(rule.When);
        if (rule.Clear is { } clear)
            Walk(clear);
        return models;
    }

    public static bool Matches(DeviceGroup group, string device, IReadOnlyDictionary<string, string> attributes)
    {
        if (group.Devices.Count > 0 && !group.Devices.Any(p => DeviceGlob.IsMatch(p, device)))
            return false;
        foreach (var (key, value) in group.Attributes)
            if (!attributes.TryGetValue(key, out var actual) || actual != value)
                return false;
        return true;
    }

    /// <summary>First pass: every metric read and every count window, keyed by their path in the rule.</summary>
    private void Collect(PolicyCondition c, string path)
    {
        switch (c)
        {
            case AllCondition all:
                for (var i = 0; i < all.Parts.Count; i++)
                    Collect(all.Parts[i], $"{path}/all{i}");
                break;
            case AnyCondition any:
                for (var i = 0; i < any.Parts.Count; i++)
                    Collect(any.Parts[i], $"{path}/any{i}");
                break;
            case NotCondition not:
                Collect(not.Part, path + "/not");
                break;
            case CompareCondition { Operand: MetricOperand m }:
                _metrics.Add(m.Metric);
                break;
            case CompareCondition { Operand: ModelOutputOperand o }:
                _models.Add(o.Model);
                break;
            case CompareCondition { Operand: ConfidenceOperand o }:
                _models.Add(o.Model);
                break;
            case CountCondition count:
                Collect(count.Predicate, path + "/count");
                _windows.Add((path, count.Predicate, count.Within));
                break;
        }
    }

    private CompiledCondition Build(PolicyCondition c, string[] metrics, string path) => c switch
    {
        AllCondition all => new AllOf([.. all.Parts.Select((p, i) => Build(p, metrics, $"{path}/all{i}"))]),
        AnyCondition any => new AnyOf([.. any.Parts.Select((p, i) => Build(p, metrics, $"{path}/any{i}"))]),
        NotCondition not => new NotOf(Build(not.Part, metrics, path + "/not")),
        CompareCondition cmp => new Comparison(
            cmp.Operand is MetricOperand m ? Array.BinarySearch(metrics, m.Metric, StringComparer.Ordinal) : -1,
            cmp.Operand, cmp.Op, cmp.Value),
        CountCondition count => new CountOf(
            _windows.FindIndex(w => w.Key == path),
            (Comparison)Build(count.Predicate, metrics, path + "/count"), count.Within, count.AtLeast),
        _ => throw new ArgumentOutOfRangeException(nameof(c), c.GetType().Name, "unknown condition kind"),
    };
}
