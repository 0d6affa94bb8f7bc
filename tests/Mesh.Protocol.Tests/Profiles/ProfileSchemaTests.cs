using System.Text.Json;
using Mesh.Protocol.Profiles;

namespace Mesh.Protocol.Tests.Profiles;

/// <summary><c>hardware-profiles/schema.json</c> and the loader know exactly the same keys and words.</summary>
public class ProfileSchemaTests
{
    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(ShippedProfiles.Directory(), "schema.json"))).RootElement;

    private static JsonElement Defs => Schema.GetProperty("$defs");

    [Fact]
    public void Schema_Root_Draft202012AndClosed()
    {
        Schema.GetProperty("$schema").GetString().ShouldBe("https://json-schema.org/draft/2020-12/schema");
        Schema.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
        Names(Schema.GetProperty("properties")).ShouldBe(ProfileKeys.Profile, ignoreOrder: true);
        Strings(Schema.GetProperty("required")).ShouldBe(ProfileKeys.Profile, ignoreOrder: true);
    }

    public static TheoryData<string, string> Groups() => new()
    {
        { "cpu", nameof(ProfileKeys.Cpu) },
        { "memory", nameof(ProfileKeys.Memory) },
        { "accelerator", nameof(ProfileKeys.Accelerator) },
        { "power", nameof(ProfileKeys.Power) },
        { "cost", nameof(ProfileKeys.Cost) },
        { "network", nameof(ProfileKeys.Network) },
        { "latency", nameof(ProfileKeys.Latency) },
    };

    [Theory]
    [MemberData(nameof(Groups))]
    public void Schema_EachGroup_SameKeysAllRequiredWithSource(string definition, string keySet)
    {
        var keys = (IReadOnlyList<string>)typeof(ProfileKeys).GetField(keySet)!.GetValue(null)!;
        var node = Defs.GetProperty(definition);

        node.GetProperty("additionalProperties").GetBoolean().ShouldBeFalse();
        Names(node.GetProperty("properties")).ShouldBe(keys, ignoreOrder: true);
        Strings(node.GetProperty("required")).ShouldBe(keys, ignoreOrder: true);
        keys.ShouldContain("source");
    }

    [Fact]
    public void Schema_Enumerations_SameWordsAsTheLoader()
    {
        Strings(Schema.GetProperty("properties").GetProperty("location").GetProperty("enum")).ShouldBe(ProfileNames.Locations);
        Strings(Schema.GetProperty("properties").GetProperty("arch").GetProperty("enum")).ShouldBe(ProfileNames.Architectures);
        Strings(Defs.GetProperty("accelerator").GetProperty("properties").GetProperty("kind").GetProperty("enum")).ShouldBe(ProfileNames.AcceleratorKinds);
        Strings(Defs.GetProperty("provider").GetProperty("enum")).ShouldBe(ExecutionProviders.Names);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("cloud-h100", true)]
    [InlineData("Cloud", false)]
    [InlineData("-x", false)]
    [InlineData("a_b", false)]
    public void Schema_IdPattern_AgreesWithTheLoader(string id, bool valid)
    {
        var pattern = Schema.GetProperty("properties").GetProperty("id").GetProperty("pattern").GetString()!;

        System.Text.RegularExpressions.Regex.IsMatch(id, pattern).ShouldBe(valid);
        ProfileNames.IsValidId(id).ShouldBe(valid);
    }

    private static List<string> Names(JsonElement properties) => [.. properties.EnumerateObject().Select(p => p.Name)];

    private static List<string> Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
