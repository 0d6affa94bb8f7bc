using System.Security.Cryptography;
using System.Text;
using Mesh.Protocol.Profiles;

namespace Mesh.Protocol.Tests.Profiles;

public class ProfileLoaderTests
{
    private const string Minimal = """
        id: test-box
        description: test box
        location: cloud
        arch: arm64
        cpu: { cores: 8, model: test cpu, source: "vendor datasheet: test" }
        memory: { mb: 16384, source: "vendor datasheet: test" }
        accelerators:
          - { kind: cuda, name: test gpu, memory_mb: 24576, source: "vendor datasheet: test" }
        execution_providers: [CUDA, CPU]
        power: { idle_watts: 50, load_watts: 300, source: "estimate: test" }
        cost: { per_hour_usd: 1.006, per_1k_inferences_usd: 0.5, source: "price list: test" }
        network: { cloud_rtt_ms: 35.5, source: "estimate: test" }
        models:
          anomaly:
            CUDA: { p50_ms: 0.2, p99_ms: 0.8, source: "estimate: gpu" }
            CPU: { p50_ms: 0.05, p99_ms: 0.3, source: "estimate: cpu" }
        """;

    [Fact]
    public void Parse_MinimalProfile_EveryFieldRead()
    {
        var profile = Load(Minimal);

        (profile.Id, profile.Description, profile.Location, profile.Arch).ShouldBe(("test-box", "test box", ProfileLocation.Cloud, CpuArchitecture.Arm64));
        profile.Cpu.ShouldBe(new CpuSpec(8, "test cpu", "vendor datasheet: test"));
        profile.Memory.ShouldBe(new MemorySpec(16384, "vendor datasheet: test"));
        profile.Accelerators.ShouldBe([new AcceleratorSpec(AcceleratorKind.Cuda, "test gpu", 24576, "vendor datasheet: test")]);
        profile.ExecutionProviders.ShouldBe([ExecutionProvider.Cuda, ExecutionProvider.Cpu]);
        profile.Power.ShouldBe(new PowerSpec(50, 300, "estimate: test"));
        profile.Cost.ShouldBe(new CostSpec(1.006, 0.5, "price list: test"));
        profile.Network.ShouldBe(new NetworkSpec(35.5, "estimate: test"));
        profile.Path.ShouldBe("");
    }

    [Fact]
    public void Prior_ListedAndUnlisted_PriorOrNull()
    {
        var profile = Load(Minimal);

        profile.Prior("anomaly", ExecutionProvider.Cuda).ShouldBe(new LatencyPrior(0.2, 0.8, "estimate: gpu"));
        profile.Prior("anomaly", ExecutionProvider.TensorRT).ShouldBeNull();
        profile.Prior("silero-vad", ExecutionProvider.Cpu).ShouldBeNull();
    }

    [Fact]
    public void CostPerInferenceUsd_Per1kOfHalfADollar_ThousandthOfIt() =>
        Load(Minimal).CostPerInferenceUsd.ShouldBe(0.0005, 1e-12);

    [Fact]
    public void Parse_AnyText_Sha256IsTheHexOfItsUtf8Bytes()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Minimal)));

        Load(Minimal).Sha256.ShouldBe(expected);
    }

    [Fact]
    public void Parse_IdDiffersFromFileName_NotChecked() =>
        ProfileLoader.Parse(Minimal, "elsewhere.yaml").Ok.ShouldBeTrue();

    [Fact]
    public void Parse_SeveralProblems_AllReportedInOrder()
    {
        var text = Minimal
            .Replace("cores: 8", "cores: 0", StringComparison.Ordinal)
            .Replace("location: cloud", "location: moon", StringComparison.Ordinal)
            .Replace("p99_ms: 0.3", "p99_ms: 0.01", StringComparison.Ordinal);

        var errors = ProfileLoader.Parse(text, "t.yaml").Errors;

        errors.Select(e => $"{e.Line}:{e.Column}").ShouldBe(["3:11", "5:15", "16:34"]);
        errors[2].ToString().ShouldBe("t.yaml:16:34: p99_ms (0.01) must be >= p50_ms (0.05)");
    }

    [Fact]
    public void Write_AwkwardStringsAndNumbers_ParsesBackEqual()
    {
        var profile = Load(Minimal) with
        {
            Description = "quotes \" and \\ backslash, a: colon, # hash, 'single', ünïcödé",
            Cost = new CostSpec(1e-300, 123456789.125, "estimate: line one\twith a tab"),
            Models = new Dictionary<string, IReadOnlyDictionary<ExecutionProvider, LatencyPrior>>
            {
                ["null"] = new Dictionary<ExecutionProvider, LatencyPrior> { [ExecutionProvider.Cpu] = new(1, 1, "x") },
                ["1.5"] = new Dictionary<ExecutionProvider, LatencyPrior> { [ExecutionProvider.Cuda] = new(0.1, 2e-1, "y") },
                ["true"] = new Dictionary<ExecutionProvider, LatencyPrior> { [ExecutionProvider.Cpu] = new(3, 4, "z") },
            },
        };

        var back = ProfileLoader.Parse(ProfileLoader.Write(profile), "w.yaml");

        back.Errors.ShouldBeEmpty();
        back.Profile.ShouldBe(profile);
    }

    [Fact]
    public void Equals_DifferentPrior_NotEqual()
    {
        var profile = Load(Minimal);
        var other = profile with
        {
            Models = new Dictionary<string, IReadOnlyDictionary<ExecutionProvider, LatencyPrior>>
            {
                ["anomaly"] = new Dictionary<ExecutionProvider, LatencyPrior>
                {
                    [ExecutionProvider.Cuda] = new(0.2, 0.8, "estimate: gpu"),
                    [ExecutionProvider.Cpu] = new(0.05, 0.31, "estimate: cpu"),
                },
            },
        };

        other.ShouldNotBe(profile);
        (profile with { Sha256 = "other" }).ShouldBe(profile);
    }

    [Theory]
    [InlineData(ExecutionProvider.TensorRT, "TensorRT")]
    [InlineData(ExecutionProvider.Cuda, "CUDA")]
    [InlineData(ExecutionProvider.DirectML, "DirectML")]
    [InlineData(ExecutionProvider.OpenVino, "OpenVINO")]
    [InlineData(ExecutionProvider.Cpu, "CPU")]
    public void ExecutionProviders_NameAndTryParse_RoundTrip(ExecutionProvider provider, string name)
    {
        ExecutionProviders.Name(provider).ShouldBe(name);
        ExecutionProviders.TryParse(name, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(provider);
        ExecutionProviders.TryParse(name.ToLowerInvariant(), out _).ShouldBeFalse();
    }

    [Fact]
    public void LoadFile_GoodFile_PathAndShaSet()
    {
        var dir = TempFolder();
        try
        {
            var path = Path.Combine(dir, "test-box.yaml");
            File.WriteAllText(path, Minimal);

            var profile = ProfileLoader.LoadFile(path).Profile.ShouldNotBeNull();

            profile.Path.ShouldBe(path);
            profile.Sha256.ShouldBe(Load(Minimal).Sha256);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LoadFolder_MixedFolder_GoodProfilesAndEveryErrorSortedByFile()
    {
        var dir = TempFolder();
        try
        {
            File.WriteAllText(Path.Combine(dir, "test-box.yaml"), Minimal);
            File.WriteAllText(Path.Combine(dir, "b-broken.yaml"), Minimal.Replace("id: test-box", "id: b-broken", StringComparison.Ordinal).Replace("mb: 16384", "mb: 1", StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(dir, "a-wrong-id.yaml"), Minimal);
            File.WriteAllText(Path.Combine(dir, "README.md"), "# not a profile");
            File.WriteAllText(Path.Combine(dir, "schema.json"), "{}");

            var result = ProfileLoader.LoadFolder(dir);

            result.Profiles.Select(p => p.Id).ShouldBe(["test-box"]);
            result.Ok.ShouldBeFalse();
            result.Errors.Select(e => $"{Path.GetFileName(e.File)}:{e.Line}:{e.Column}").ShouldBe(["a-wrong-id.yaml:1:5", "b-broken.yaml:6:15"]);
            result.Errors[0].Message.ShouldContain("differs from the file name 'a-wrong-id.yaml'");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void LoadFolder_MissingFolder_OneErrorAtTheStart()
    {
        var error = ProfileLoader.LoadFolder("no/such/folder").Errors.ShouldHaveSingleItem();

        (error.File, error.Line, error.Column).ShouldBe(("no/such/folder", 1, 1));
        error.Message.ShouldStartWith("cannot read the folder");
    }

    private static HardwareProfile Load(string text)
    {
        var result = ProfileLoader.Parse(text, "test.yaml");
        result.Errors.ShouldBeEmpty();
        return result.Profile.ShouldNotBeNull();
    }

    private static string TempFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"profiles-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
