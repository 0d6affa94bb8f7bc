using Mesh.Inference.Registry;
using Mesh.Inference.Runtime;
using Mesh.Inference.Tests.Support;

namespace Mesh.Inference.Tests.Runtime;

/// <summary>The registry refuses a model whose file is missing or was changed, or whose shapes differ from its manifest,
/// with what and where, and loads the others.</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mesh-registry-").FullName;

    [Fact]
    public void Load_ShippedAnomalyModel_PassesEveryCheck()
    {
        CopyAnomaly();

        var load = ModelRegistry.Load(_dir);

        load.Problems.ShouldBeEmpty();
        var model = load.Find("anomaly").ShouldNotBeNull();
        model.Manifest.Version.ShouldBe("1.0.0");
        model.Manifest.Features.Count.ShouldBe(6);
    }

    [Fact]
    public void Load_FileChanged_RefusedWithBothHashes()
    {
        CopyAnomaly();
        var onnx = Path.Combine(_dir, "anomaly", "anomaly.onnx");
        var bytes = File.ReadAllBytes(onnx);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(onnx, bytes);

        var load = ModelRegistry.Load(_dir);

        load.Models.ShouldBeEmpty();
        var problem = load.Problems.ShouldHaveSingleItem();
        problem.Model.ShouldBe("anomaly");
        problem.Where.ShouldEndWith(Path.Combine("anomaly", "anomaly.onnx"));
        problem.Message.ShouldStartWith($"SHA-256 is {NpmModelFetcher.HashOf(bytes)}, but ");
        problem.Message.ShouldContain("pins 535df6fe");
    }

    [Fact]
    public void Load_FetchedFileMissing_SaysHowToFetchIt()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "silero-vad")).FullName;
        File.Copy(Path.Combine(RepoPaths.Model("silero-vad"), "manifest.yaml"), Path.Combine(folder, "manifest.yaml"));

        var load = ModelRegistry.Load(_dir);

        load.Problems.ShouldHaveSingleItem().Message.ShouldBe("model file missing; run 'mesh model fetch silero-vad' to download it from @ricky0123/vad-web@0.0.31");
    }

    [Fact]
    public void Load_ManifestInvalid_RefusedAtLineAndColumn()
    {
        CopyAnomaly();
        var manifest = Path.Combine(_dir, "anomaly", "manifest.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("version: 1.0.0", "versoin: 1.0.0"));

        var load = ModelRegistry.Load(_dir);

        var problem = load.Problems.ShouldHaveSingleItem();
        problem.Where.ShouldBe($"{manifest}:2:1");
        problem.Message.ShouldContain("versoin");
    }

    [Fact]
    public void Open_ManifestShapeWrong_RefusedBeforeServing()
    {
        CopyAnomaly();
        var registered = ModelRegistry.Load(_dir).Find("anomaly")!;
        var wrong = registered with
        {
            Manifest = registered.Manifest with { Inputs = [registered.Manifest.Inputs[0] with { Shape = [-1, 7] }] },
        };

        var ex = Should.Throw<ModelRefusedException>(() => LocalModel.Open(wrong, ["CPU"], 8, TimeSpan.Zero));

        ex.Problem.ShouldBe("input 'features' has shape [-1, 7] in the manifest but [-1, 6] in anomaly.onnx");
    }

    [Fact]
    public void Load_FolderMissing_OneProblemNamingTheSetting()
    {
        var load = ModelRegistry.Load(Path.Combine(_dir, "nowhere"));

        load.Problems.ShouldHaveSingleItem().Message.ShouldContain("Node:Inference:Models");
    }

    private void CopyAnomaly()
    {
        var target = Directory.CreateDirectory(Path.Combine(_dir, "anomaly")).FullName;
        foreach (var f in new[] { "manifest.yaml", "anomaly.onnx" })
            File.Copy(Path.Combine(RepoPaths.Model("anomaly"), f), Path.Combine(target, f));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
