using System.Globalization;
using Mesh.Protocol.Yaml;

namespace Mesh.Protocol.Policy;

// Policy-only typed readers; the generic ones (Mapping, Text, Integer, ...) are in YamlBuilder.
internal sealed partial class PolicyBuilder
{
    /// <summary>A non-negative amount of money.</summary>
    private decimal? Amount(YNode node)
    {
        if (node is not YScalar s || !YamlValues.IsNumber(s))
            return Wrong<decimal>(node, "an amount (a number >= 0)");
        if (YamlValues.IsNonFinite(s) || !decimal.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            Diagnostics.Add(node, $"expected an amount (a finite number >= 0), found {s.Value}");
            return null;
        }
        if (value >= 0)
            return value;
        Diagnostics.Add(node, $"expected an amount >= 0, found {s.Value}");
        return null;
    }

    /// <summary>A duration greater than zero.</summary>
    private TimeSpan? Duration(YNode node)
    {
        if (node is not YScalar s || YamlValues.IsNull(s))
            return Wrong<TimeSpan>(node, $"a duration ({PolicyDuration.ExpectedForm})");
        if (!PolicyDuration.TryParse(s.Value, out var value, out var problem))
        {
            Diagnostics.Add(node, problem!);
            return null;
        }
        if (value > TimeSpan.Zero)
            return value;
        Diagnostics.Add(node, $"a duration must be greater than zero, found '{s.Value}'");
        return null;
    }
}
