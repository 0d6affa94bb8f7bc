using System.Text.Json;
using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

/// <summary>The published schema and the loader must know exactly the same keys.</summary>
public class PolicySchemaTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(PolicySchema.Json).RootElement;

    [Fact]
    public void Json_EmbeddedSchema_IsDraft202012()
    {
        Schema.GetProperty("$schema").GetString().ShouldBe("https://json-schema.org/draft/2020-12/schema");
        Schema.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
    }

    public static TheoryData<string, string> Mappings() => new()
    {
        { "", nameof(PolicyKeys.Policy) },
        { "group", nameof(PolicyKeys.Group) },
        { "rule", nameof(PolicyKeys.Rule) },
        { "approval", nameof(PolicyKeys.Approval) },
        { "rateLimit", nameof(PolicyKeys.RateLimit) },
        { "routing", nameof(PolicyKeys.Routing) },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void Json_EachMapping_SameKeysAsTheLoader(string definition, string keySet)
    {
        var node = definition.Length == 0 ? Schema : Schema.GetProperty("$defs").GetProperty(definition);

        node.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
        PropertyNames(node).ShouldBe(Keys(keySet), ignoreOrder: true);
    }

    [Fact]
    public void Json_Conditions_SameKeysAsTheLoader()
    {
        var defs = Schema.GetProperty("$defs");
        var shapes = defs.GetProperty("condition").GetProperty("oneOf").EnumerateArray()
            .Select(s => s.GetProperty("$ref").GetString()!.Replace("#/$defs/", "", StringComparison.Ordinal))
            .ToList();

        shapes.Count.ShouldBe(PolicyKeys.ConditionShapes.Count);
        shapes.SelectMany(s => PropertyNames(defs.GetProperty(s))).Distinct().ShouldBe(PolicyKeys.Condition, ignoreOrder: true);
        foreach (var shape in shapes)
            defs.GetProperty(shape).GetProperty("additionalProperties").GetBoolean().ShouldBeFalse(shape);
        foreach (var comparison in new[] { "metricComparison", "modelComparison", "confidenceComparison" })
        {
            var names = PropertyNames(defs.GetProperty(comparison));
            PolicyKeys.Operators.ShouldAllBe(op => names.Contains(op), comparison);
        }
    }

    [Fact]
    public void Json_Enumerations_SameWordsAsTheLoader()
    {
        var defs = Schema.GetProperty("$defs");

        Enum(defs.GetProperty("rule").GetProperty("properties").GetProperty("gate")).ShouldBe(Enum<Gate>(PolicyNames.Of));
        Enum(defs.GetProperty("approval").GetProperty("properties").GetProperty("role")).ShouldBe(PolicyNames.Roles);
        Enum(defs.GetProperty("approval").GetProperty("properties").GetProperty("on_timeout")).ShouldBe(Enum<ApprovalDefault>(PolicyNames.Of));
        Enum(defs.GetProperty("approval").GetProperty("properties").GetProperty("offline")).ShouldBe(Enum<OfflineApproval>(PolicyNames.Of));
    }

    private static IReadOnlyList<string> Keys(string keySet) =>
        (IReadOnlyList<string>)typeof(PolicyKeys).GetField(keySet)!.GetValue(null)!;

    private static List<string> PropertyNames(JsonElement node) =>
        [.. node.GetProperty("properties").EnumerateObject().Select(p => p.Name)];

    private static List<string> Enum(JsonElement node) => [.. node.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!)];

    private static List<string> Enum<T>(Func<T, string> word)
        where T : struct, System.Enum => [.. System.Enum.GetValues<T>().Select(word)];
}
