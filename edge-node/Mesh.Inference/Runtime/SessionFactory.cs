using Mesh.Protocol.Profiles;
using Microsoft.ML.OnnxRuntime;

namespace Mesh.Inference.Runtime;

/// <summary>
/// Opens an ONNX Runtime session on the first execution provider of a plan that works, falling back towards CPU.
/// A provider can fail in three places, each recorded with its reason: the build does not contain it (on the CPU
/// package, the CUDA append throws <see cref="EntryPointNotFoundException"/>, not an ONNX Runtime exception), its
/// native libraries are missing (<see cref="DllNotFoundException"/>), or it loads but cannot create the session
/// (<see cref="OnnxRuntimeException"/>, e.g. no GPU or the wrong CUDA version).
/// </summary>
public static class SessionFactory
{
    /// <summary>Threads for one run of one model. The models here are small: one thread per run, and several runs
    /// in parallel across models and batches, is faster than one run split over cores.</summary>
    public const int IntraOpThreads = 1;

    public static (InferenceSession Session, ProviderChoice Choice) Open(byte[] model, IReadOnlyList<string> plan)
    {
        var available = OrtEnv.Instance().GetAvailableProviders();
        var attempts = new List<ProviderAttempt>(plan.Count);
        foreach (var provider in plan)
        {
            var options = new SessionOptions
            {
                IntraOpNumThreads = IntraOpThreads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            try
            {
                Append(options, provider);
                var session = new InferenceSession(model, options);
                attempts.Add(new ProviderAttempt(provider, true, "loaded"));
                return (session, new ProviderChoice(provider, attempts));
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException or OnnxRuntimeException or NotSupportedException)
            {
                options.Dispose();
                if (provider == ExecutionProviders.Cpu)
                    throw;
                attempts.Add(new ProviderAttempt(provider, false, Reason(provider, ex, available)));
            }
        }
        throw new InvalidOperationException("the provider plan must end with CPU");
    }

    private static void Append(SessionOptions options, string provider)
    {
        switch (provider)
        {
            case ExecutionProviders.TensorRT: options.AppendExecutionProvider_Tensorrt(0); break;
            case ExecutionProviders.Cuda: options.AppendExecutionProvider_CUDA(0); break;
            case ExecutionProviders.DirectML: options.AppendExecutionProvider_DML(0); break;
            case ExecutionProviders.OpenVino: options.AppendExecutionProvider_OpenVINO("CPU"); break;
            case ExecutionProviders.Cpu: break; // always registered
            default: throw new NotSupportedException($"unknown execution provider '{provider}'");
        }
    }

    private static string Reason(string provider, Exception ex, string[] available) =>
        available.Contains(ExecutionProviderNames.RuntimeName(provider))
            ? $"failed to start ({ex.GetType().Name}: {FirstLine(ex.Message)})"
            : $"not in this ONNX Runtime build ({ex.GetType().Name}; it has {string.Join(", ", available)}): build with -p:OnnxRuntimeFlavor=Gpu (or DirectML on Windows)";

    private static string FirstLine(string message)
    {
        var line = message.AsSpan().Trim();
        var nl = line.IndexOfAny('\r', '\n');
        if (nl >= 0)
            line = line[..nl];
        return line.Length > 160 ? string.Concat(line[..157], "...") : line.ToString();
    }
}
