using Mesh.Protocol.Models;

namespace Mesh.Protocol.Tests.Models;

/// <summary>Each broken manifest is the reading model with one change; its first error is at an exact place.</summary>
public class ManifestErrorTests
{
    public static TheoryData<string, string, string, string> Broken() => new()
    {
        // old text, new text, expected "line:column", message fragment
        { "version: 1.0.0", "version: 1.0", "2:10", "'1.0' is not a valid version: a semantic version MAJOR.MINOR.PATCH" },
        { "file: anomaly.onnx", "file: ../anomaly.onnx", "4:7", "is not a valid model file name" },
        { "sha256: 0123456789abcdef", "sha256: 0123456789ABCDEF", "5:9", "is not a valid SHA-256: 64 lower-case hex characters" },
        { "license: Apache-2.0", "license: Apache-2.0\nname: other", "8:1", "duplicate key 'name' (first at 1:1)" },
        { "license: Apache-2.0", "licence: Apache-2.0", "7:1", "unknown key 'licence' in the manifest; expected one of: name, version, description, file, sha256, source, license, inputs, outputs, preferred_providers, latency_priors, features, score, fallback, fetch (did you mean 'license'?)" },
        { "shape: [-1, 6]", "shape: [-2, 6]", "9:46", "expected an integer >= -1, found -2" },
        { "type: float32, shape: [-1, 6]", "type: float16, shape: [-1, 6]", "9:29", "unknown tensor type 'float16'; expected one of: float32, float64, int64, int32, bool" },
        { "- { name: score, type", "- { name: features, type", "11:13", "tensor name 'features' is already used (first at 9:13)" },
        { "[TensorRT, CUDA,", "[TensorRT, Cuda,", "12:33", "unknown execution provider 'Cuda'; expected one of: TensorRT, CUDA, DirectML, OpenVINO, CPU (did you mean 'CUDA'?)" },
        { "DirectML, CPU]", "DirectML, CUDA]", "12:59", "execution provider CUDA is listed twice" },
        { "p99_ms: 0.5", "p99_ms: 0.01", "14:32", "p99_ms (0.01) must be >= p50_ms (0.05)" },
        { "  - time: hour_cos\n", "", "15:1", "features lists 5 columns, so the model needs exactly one float32 input of shape [-1, 5]; found features float32[-1, 6]" },
        { "metric: temperature", "metric: temp/erature", "16:13", "'temp/erature' is not a valid metric name" },
        { "- metric: power", "- { metric: power, time: hour_sin }", "18:22", "a feature has exactly one key: metric or time" },
        { "time: hour_sin", "time: hour_tan", "20:11", "unknown time feature 'hour_tan'; expected one of: hour_sin, hour_cos" },
        { "{ output: score,", "{ output: prob,", "22:18", "score.output 'prob' is not a declared output; outputs are: score" },
        { "score: { output: score, name: score }\n", "", "15:1", "a model with features needs score: { output, name }" },
        { "confidence: 0.6", "confidence: 1.5", "25:15", "confidence must be in (0, 1], found 1.5" },
        { "temperature: [10.5, 33.0]", "temperature: [33.0, 10.5]", "26:32", "a band's high (10.5) must be greater than its low (33)" },
        { "{ temperature: [10.5", "{ pressure: [10.5", "26:12", "band for 'pressure', which is not a feature metric; metrics are: temperature, humidity, power, vibration" },
        { "  - { name: features, type: float32, shape: [-1, 6] }", "  - { name: features, type: float64, shape: [-1, 6] }", "15:1", "found features float64[-1, 6]" },
        { "inputs:\n  - { name: features, type: float32, shape: [-1, 6] }", "inputs: []", "8:9", "a model needs at least one input" },
        { "source: \"trained", "source: \"\"\nx: \"trained", "6:9", "the source must not be empty" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Parse_BrokenManifest_FirstErrorAtTheExpectedPlace(string oldText, string newText, string at, string fragment)
    {
        TestManifests.Reading.ShouldContain(oldText);
        var text = TestManifests.Reading.Replace(oldText, newText, StringComparison.Ordinal);

        var result = ManifestLoader.Parse(text, "manifest.yaml");

        result.Manifest.ShouldBeNull();
        result.Errors.ShouldNotBeEmpty();
        var first = result.Errors[0];
        $"{first.Line}:{first.Column}".ShouldBe(at, first.ToString());
        first.Message.ShouldContain(fragment, Case.Sensitive, first.ToString());
        var positions = result.Errors.Select(e => (e.Line, e.Column)).ToList();
        positions.ShouldBe(positions.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList());
    }

    [Theory]
    [InlineData("", "1:1", "the file is empty; expected a model manifest mapping with name, version")]
    [InlineData("- name: x\n", "1:1", "expected a model manifest mapping with name, version, description, file, sha256, source, license, inputs, outputs, found a sequence")]
    [InlineData("name: [x\n", "2:1", "YAML syntax error")]
    public void Parse_NotAManifest_OneClearError(string text, string at, string fragment)
    {
        var errors = ManifestLoader.Parse(text, "manifest.yaml").Errors;

        errors.ShouldNotBeEmpty();
        var first = errors[0];

        $"{first.Line}:{first.Column}".ShouldBe(at, first.ToString());
        first.Message.ShouldContain(fragment, Case.Sensitive, first.ToString());
    }

    [Fact]
    public void Parse_FallbackWithoutFeatures_ErrorAtFallback()
    {
        var text = string.Join('\n', TestManifests.Reading.Split('\n').Where((_, i) => i is < 14 or >= 22));

        var errors = ManifestLoader.Parse(text, "manifest.yaml").Errors;

        errors.ShouldNotBeEmpty();
        var first = errors[0];

        first.ToString().ShouldBe("manifest.yaml:15:1: a fallback stands in for a reading model: it needs features");
    }

    [Fact]
    public void Parse_BadFetch_ErrorsAtEachField()
    {
        var text = TestManifests.Reading + "\nfetch: { npm: vad-web, path: ../x.onnx }\n";

        var errors = ManifestLoader.Parse(text, "manifest.yaml").Errors;

        errors.Select(e => $"{e.Line}:{e.Column}").ShouldBe(["27:15", "27:30"]);
        errors[0].Message.ShouldContain("is not a valid npm package");
        errors[1].Message.ShouldContain("is not a valid path in the package");
    }

    [Fact]
    public void Parse_OversizeText_OneErrorAtTheStart()
    {
        var text = TestManifests.Reading + "\n#" + new string('x', ManifestLoader.MaxFileBytes);

        var error = ManifestLoader.Parse(text, "m.yaml").Errors.ShouldHaveSingleItem();

        error.ToString().ShouldStartWith("m.yaml:1:1: the file is ");
        error.Message.ShouldContain($"a manifest file may be at most {ManifestLoader.MaxFileBytes} bytes");
    }
}
