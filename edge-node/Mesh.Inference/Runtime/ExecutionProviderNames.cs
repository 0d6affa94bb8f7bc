namespace Mesh.Inference.Runtime;

/// <summary>The provider names used in profiles and manifests, and what ONNX Runtime calls them.</summary>
public static class ExecutionProviderNames
{
    public const string TensorRT = "TensorRT";
    public const string Cuda = "CUDA";
    public const string DirectML = "DirectML";
    public const string OpenVino = "OpenVINO";
    public const string Cpu = "CPU";

    /// <summary>All providers in the default order of preference (CPU last: the fallback).</summary>
    public static readonly IReadOnlyList<string> All = [TensorRT, Cuda, OpenVino, DirectML, Cpu];

    /// <summary>The name ONNX Runtime lists in <c>OrtEnv.GetAvailableProviders()</c>.</summary>
    public static string RuntimeName(string provider) => provider switch
    {
        TensorRT => "TensorrtExecutionProvider",
        Cuda => "CUDAExecutionProvider",
        DirectML => "DmlExecutionProvider",
        OpenVino => "OpenVINOExecutionProvider",
        Cpu => "CPUExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown execution provider"),
    };

    /// <summary>The providers of <paramref name="hardware"/> that the model also accepts, in the hardware's order, CPU always last.</summary>
    public static IReadOnlyList<string> Plan(IReadOnlyList<string> hardware, IReadOnlyList<string> model)
    {
        var plan = new List<string>(hardware.Count + 1);
        foreach (var p in hardware)
            if (p != Cpu && model.Contains(p) && !plan.Contains(p))
                plan.Add(p);
        plan.Add(Cpu);
        return plan;
    }
}
