using Mesh.Protocol.Policy;

namespace Mesh.Protocol.Tests.Policy;

/// <summary>The example policies under <c>policies/</c> at the repository root stay valid.</summary>
public class PolicyExamplesTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(PoliciesDirectory(), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void LoadFile_ExamplePolicy_Valid(string name)
    {
        var result = PolicyLoader.LoadFile(Path.Combine(PoliciesDirectory(), name));

        result.Errors.ShouldBeEmpty();
        result.Policy.ShouldNotBeNull();
    }

    [Fact]
    public void LoadFile_DemoSite_OverheatRuleAsDocumented()
    {
        var policy = PolicyLoader.LoadFile(Path.Combine(PoliciesDirectory(), "demo-site.yaml")).Policy.ShouldNotBeNull();

        policy.Version.ShouldBe(1);
        var overheat = policy.FindRule("overheat").ShouldNotBeNull();
        PolicyText.Format(overheat.When).ShouldBe("temperature > 30");
        PolicyText.Format(overheat.Clear!).ShouldBe("temperature < 29");
        (overheat.Action, overheat.ClearAction, overheat.Gate).ShouldBe(("cooling-on", "cooling-off", Gate.Allow));
        policy.Groups.Single(g => g.Id == "coolers").Matches("cooler-1").ShouldBeTrue();
    }

    private static string PoliciesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
                return Path.Combine(dir.FullName, "policies");
        }
        throw new InvalidOperationException($"no Mesh.sln above {AppContext.BaseDirectory}");
    }
}
