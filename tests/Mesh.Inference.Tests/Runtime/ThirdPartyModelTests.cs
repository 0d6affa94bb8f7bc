using Mesh.Inference.Runtime;
using Mesh.Inference.Tests.Support;
using Mesh.Protocol.Models;
using Microsoft.ML.OnnxRuntime;

namespace Mesh.Inference.Tests.Runtime;

/// <summary>The runtime path is general: a public model with three inputs (audio, recurrent state, an int64 scalar)
/// and two outputs opens, is checked against its manifest and runs.</summary>
[Collection(SileroCollection.Name)]
public sealed class ThirdPartyModelTests(SileroModel silero)
{
    [Fact]
    public void SileroVad_Opens_OnCpuWithDeclaredShapes()
    {
        using var session = ModelSession.Open(silero.Manifest, silero.Bytes, ["CPU"]);

        session.Provider.Provider.ShouldBe("CPU");
        session.Provider.FellBack.ShouldBeFalse();
        ModelSession.ShapeProblems(silero.Manifest, session.Session).ShouldBeEmpty();
    }

    [Fact]
    public void SileroVad_Runs_ProbabilitiesInRangeAndStateCarriesOver()
    {
        using var session = ModelSession.Open(silero.Manifest, silero.Bytes, ["CPU"]);
        var chunk = Chirp(512, phase: 0);

        var (first, state) = Run(session, chunk, new float[2 * 128]);
        var (again, _) = Run(session, chunk, new float[2 * 128]);
        var (withState, _) = Run(session, chunk, state);

        first.ShouldBeInRange(0f, 1f);
        again.ShouldBe(first);                       // deterministic
        state.ShouldContain(v => v != 0f);           // the model updated its recurrent state
        withState.ShouldNotBe(first);                // and reads it back
    }

    [Fact]
    public void SileroVad_ManifestStateShapeWrong_RefusedWithWhatAndWhere()
    {
        var wrong = silero.Manifest with
        {
            Inputs = [silero.Manifest.Inputs[0], new TensorSpec("state", TensorElement.Float32, [2, -1, 64]), silero.Manifest.Inputs[2]],
        };

        var ex = Should.Throw<ModelRefusedException>(() => ModelSession.Open(wrong, silero.Bytes, ["CPU"]));

        ex.Message.ShouldContain("manifest.yaml: model silero-vad 5.0.0 refused");
        ex.Message.ShouldContain("input 'state' has shape [2, -1, 64] in the manifest but [2, -1, 128] in silero_vad_v5.onnx");
    }

    [Fact]
    public void SileroVad_ManifestOmitsAnInput_Refused()
    {
        var missing = silero.Manifest with { Inputs = silero.Manifest.Inputs.Take(2).ToArray() };

        var ex = Should.Throw<ModelRefusedException>(() => ModelSession.Open(missing, silero.Bytes, ["CPU"]));

        ex.Problem.ShouldContain("needs input 'sr', which the manifest does not declare");
    }

    [Fact]
    public void SessionFactory_CudaOnTheCpuPackage_FallsBackToCpuAndSaysWhy()
    {
        using var session = ModelSession.Open(silero.Manifest, silero.Bytes, ["CUDA", "CPU"]);

        session.Provider.Provider.ShouldBe("CPU");
        session.Provider.FellBack.ShouldBeTrue();
        var cuda = session.Provider.Attempts[0];
        cuda.Provider.ShouldBe("CUDA");
        cuda.Loaded.ShouldBeFalse();
        // The CPU package has no CUDA entry point: the append throws EntryPointNotFoundException, not an ORT exception.
        cuda.Reason.ShouldContain("EntryPointNotFoundException");
        cuda.Reason.ShouldContain("-p:OnnxRuntimeFlavor=Gpu");
        session.Provider.Describe().ShouldBe("CPU (CUDA failed)");
        session.Provider.Explain().ShouldStartWith("CPU (CUDA failed): CUDA: not in this ONNX Runtime build (EntryPointNotFoundException; ");
    }

    private static (float Probability, float[] State) Run(ModelSession session, float[] audio, float[] state)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(audio, [1, audio.Length]);
        using var stateIn = OrtValue.CreateTensorValueFromMemory(state, [2, 1, 128]);
        using var sr = OrtValue.CreateTensorValueFromMemory(new long[] { 16000 }, []);
        using var outputs = session.Session.Run(new RunOptions(), ["input", "state", "sr"], [input, stateIn, sr], ["output", "stateN"]);
        return (outputs[0].GetTensorDataAsSpan<float>()[0], outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>A rising tone with harmonics, loud enough to move the detector off silence.</summary>
    private static float[] Chirp(int n, int phase)
    {
        var samples = new float[n];
        for (var i = 0; i < n; i++)
        {
            var t = (i + phase) / 16000.0;
            var f = 150 + 400 * t;
            samples[i] = (float)(0.3 * Math.Sin(2 * Math.PI * f * t) + 0.2 * Math.Sin(4 * Math.PI * f * t) + 0.1 * Math.Sin(6 * Math.PI * f * t));
        }
        return samples;
    }
}
