using Microsoft.Extensions.Logging;

namespace Mesh.Node.Inference;

/// <summary>Log messages of inference and routing (event ids 6xxx).</summary>
internal static partial class InferenceLog
{
    [LoggerMessage(6001, LogLevel.Information, "Model {Model} {Version} ready on {Provider}")]
    public static partial void ModelOpened(ILogger logger, string model, string version, string provider);

    [LoggerMessage(6002, LogLevel.Warning, "Model {Model}: execution provider fell back: {Fallback}")]
    public static partial void ProviderFellBack(ILogger logger, string model, string fallback);

    [LoggerMessage(6003, LogLevel.Warning, "Model {Model} refused: {Problem}")]
    public static partial void ModelRefused(ILogger logger, string model, string problem);

    [LoggerMessage(6004, LogLevel.Warning, "Inference target {Target} failed for {Model}: {Reason}; re-routing")]
    public static partial void TargetFailed(ILogger logger, string target, string model, string reason);

    [LoggerMessage(6005, LogLevel.Information, "Inference peer {Url} is node {Node} of site {Site} ({Profile}), serving {Models}")]
    public static partial void PeerDescribed(ILogger logger, string url, string node, string site, string profile, string models);

    [LoggerMessage(6006, LogLevel.Warning, "Inference peer {Url} unreachable: {Reason}")]
    public static partial void PeerUnreachable(ILogger logger, string url, string reason);

    [LoggerMessage(6007, LogLevel.Information, "Serving inference on {Url}")]
    public static partial void Serving(ILogger logger, string url);

    [LoggerMessage(6008, LogLevel.Warning, "Refused a Score request from {Node}: {Problem}")]
    public static partial void ScoreRefused(ILogger logger, string node, string problem);

    [LoggerMessage(6010, LogLevel.Warning, "Refused an inference call {Method} ({Problem}): {Reason}")]
    public static partial void CallRefused(ILogger logger, string method, string problem, string reason);

    [LoggerMessage(8250, LogLevel.Warning, "Refused an inference peer's TLS handshake (certificate {Subject}): {Problem}")]
    public static partial void PeerRefused(ILogger logger, string subject, string problem);

    [LoggerMessage(8251, LogLevel.Warning, "Refused an inference call from node {Node} (certificate {Serial}): the hub revoked that certificate")]
    public static partial void PeerCallRefused(ILogger logger, string node, string serial);

    [LoggerMessage(8252, LogLevel.Warning, "Refused inference peer {Url}'s TLS certificate: {Problem}; the router goes around it")]
    public static partial void PeerServerRefused(ILogger logger, string url, string problem);
}
