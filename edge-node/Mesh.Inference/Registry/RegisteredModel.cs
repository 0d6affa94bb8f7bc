using Mesh.Protocol.Models;

namespace Mesh.Inference.Registry;

/// <summary>A model whose manifest parsed and whose file is present with the pinned SHA-256.</summary>
public sealed record RegisteredModel(ModelManifest Manifest, string FilePath, byte[] Bytes);

/// <summary>Why a model folder was not registered: where (file, or file:line:column) and what to do.</summary>
public sealed record RegistryProblem(string Model, string Where, string Message)
{
    public override string ToString() => $"{Where}: {Message}";
}

/// <summary>What a registry folder holds: the models that passed every check, and the problems of the others.</summary>
public sealed record RegistryLoad(IReadOnlyList<RegisteredModel> Models, IReadOnlyList<RegistryProblem> Problems)
{
    public RegisteredModel? Find(string name) => Models.FirstOrDefault(m => m.Manifest.Name == name);
}

