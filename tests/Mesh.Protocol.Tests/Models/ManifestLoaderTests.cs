using Mesh.Protocol.Models;

namespace Mesh.Protocol.Tests.Models;

public class ManifestLoaderTests
{
    [Fact]
    public void LoadFile_SileroVadManifest_AsPublished()
    {
        var path = TestManifests.RepositoryFile("models", "silero-vad", "manifest.yaml");

        var result = ManifestLoader.LoadFile(path);

        var m = result.Manifest.ShouldNotBeNull(string.Join("; ", result.Errors));
        (m.Name, m.Version, m.File, m.Path).ShouldBe(("silero-vad", "5.0.0", "silero_vad_v5.onnx", path));
        m.Sha256.ShouldBe("2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f");
        m.Inputs.Select(t => t.ToString()).ShouldBe(["input float32[-1, -1]", "state float32[2, -1, 128]", "sr int64[]"]);
        m.Outputs.Select(t => t.ToString()).ShouldBe(["output float32[-1, 1]", "stateN float32[-1, -1, -1]"]);
        m.PreferredProviders.ShouldBe(["CPU"]);
        m.Fetch.ShouldBe(new FetchSpec("@ricky0123/vad-web@0.0.31", "dist/silero_vad_v5.onnx"));
        m.License.ShouldStartWith("MIT");
        m.IsReadingModel.ShouldBeFalse();
        (m.Score, m.Fallback).ShouldBe((null, null));
    }

    [Fact]
    public void Parse_ReadingModel_FeaturesScoreAndFallbackRead()
    {
        var m = TestManifests.Load(TestManifests.Reading);

        m.IsReadingModel.ShouldBeTrue();
        m.Features.Select(f => f.ToString()).ShouldBe(["temperature", "humidity", "power", "vibration", "time:hour_sin", "time:hour_cos"]);
        m.Score.ShouldBe(new ScoreSpec("score", "score"));
        var fallback = m.Fallback.ShouldNotBeNull();
        (fallback.Skill, fallback.Confidence).ShouldBe(("bands", 0.6));
        fallback.Bands["temperature"].ShouldBe(new MetricBand(10.5, 33.0));
        fallback.Bands["humidity"].ShouldBe(new MetricBand(20, 80));
        m.PreferredProviders.ShouldBe(["TensorRT", "CUDA", "OpenVINO", "DirectML", "CPU"]);
        m.LatencyPriors["CPU"].ShouldBe(new ManifestLatency(0.05, 0.5, "estimate: tiny MLP"));
        m.Path.ShouldBe("");
    }

    [Fact]
    public void Parse_NoPreferredProviders_DefaultsToCpu()
    {
        var text = TestManifests.Reading.Replace("preferred_providers: [TensorRT, CUDA, OpenVINO, DirectML, CPU]\n", "", StringComparison.Ordinal);

        TestManifests.Load(text).PreferredProviders.ShouldBe(["CPU"]);
    }

    [Fact]
    public void Write_ReadingModel_ParsesBackToTheSameContent()
    {
        var m = TestManifests.Load(TestManifests.Reading);

        var text = ManifestLoader.Write(m);
        var back = TestManifests.Load(text);

        Same(back, m);
        ManifestLoader.Write(back).ShouldBe(text);
    }

    [Fact]
    public void Write_SileroVadManifest_ParsesBackToTheSameContent()
    {
        var m = ManifestLoader.LoadFile(TestManifests.RepositoryFile("models", "silero-vad", "manifest.yaml")).Manifest.ShouldNotBeNull();

        var back = TestManifests.Load(ManifestLoader.Write(m));

        Same(back, m with { Path = "" });
    }

    [Fact]
    public void Write_AwkwardStrings_ParseBackExactly()
    {
        var m = TestManifests.Load(TestManifests.Reading) with
        {
            Version = "10.20.30",
            Description = "a \"quoted\" \\ description: with # and 'quotes'",
            Name = "true",
            License = "null",
        };

        var back = TestManifests.Load(ManifestLoader.Write(m));

        Same(back, m);
    }

    private static void Same(ModelManifest actual, ModelManifest expected)
    {
        (actual.Name, actual.Version, actual.Description, actual.File, actual.Sha256, actual.Source, actual.License, actual.Path)
            .ShouldBe((expected.Name, expected.Version, expected.Description, expected.File, expected.Sha256, expected.Source, expected.License, expected.Path));
        actual.Inputs.ShouldBe(expected.Inputs);
        actual.Outputs.ShouldBe(expected.Outputs);
        actual.PreferredProviders.ShouldBe(expected.PreferredProviders);
        actual.LatencyPriors.ShouldBe(expected.LatencyPriors, ignoreOrder: true);
        actual.Features.ShouldBe(expected.Features);
        (actual.Score, actual.Fetch).ShouldBe((expected.Score, expected.Fetch));
        (actual.Fallback is null).ShouldBe(expected.Fallback is null);
        if (expected.Fallback is { } fallback)
        {
            (actual.Fallback!.Skill, actual.Fallback.Confidence).ShouldBe((fallback.Skill, fallback.Confidence));
            actual.Fallback.Bands.ShouldBe(fallback.Bands, ignoreOrder: true);
        }
    }
}
