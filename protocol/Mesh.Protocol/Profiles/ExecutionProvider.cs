namespace Mesh.Protocol.Profiles;

/// <summary>The ONNX Runtime execution providers a profile or manifest may name. In YAML they are spelt
/// <c>TensorRT</c>, <c>CUDA</c>, <c>DirectML</c>, <c>OpenVINO</c> and <c>CPU</c> (see <see cref="ExecutionProviders"/>).</summary>
public enum ExecutionProvider { TensorRT, Cuda, DirectML, OpenVino, Cpu }

/// <summary>The YAML names of <see cref="ExecutionProvider"/> values, both ways.</summary>
public static class ExecutionProviders
{
    public const string TensorRT = "TensorRT";
    public const string Cuda = "CUDA";
    public const string DirectML = "DirectML";
    public const string OpenVino = "OpenVINO";
    public const string Cpu = "CPU";

    /// <summary>Every YAML name, in the enum's order.</summary>
    public static readonly IReadOnlyList<string> Names = [TensorRT, Cuda, DirectML, OpenVino, Cpu];

    /// <summary>The YAML name of <paramref name="provider"/> (<c>CUDA</c> for <see cref="ExecutionProvider.Cuda"/>).</summary>
    public static string Name(ExecutionProvider provider) =>
        Enum.IsDefined(provider) ? Names[(int)provider] : throw new ArgumentOutOfRangeException(nameof(provider), provider, null);

    /// <summary>Parses a YAML name; exact and case-sensitive, as files must spell it.</summary>
    public static bool TryParse(string name, out ExecutionProvider provider)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (Names[i] == name)
            {
                provider = (ExecutionProvider)i;
                return true;
            }
        }
        provider = default;
        return false;
    }

    /// <summary>The accelerator kinds an execution provider needs in the box; empty when it needs none (CPU).</summary>
    public static IReadOnlyList<AcceleratorKind> RequiredAccelerators(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.TensorRT or ExecutionProvider.Cuda => [AcceleratorKind.Cuda, AcceleratorKind.TensorRT],
        ExecutionProvider.DirectML => [AcceleratorKind.DirectML],
        ExecutionProvider.OpenVino => [AcceleratorKind.OpenVino],
        _ => [],
    };
}
