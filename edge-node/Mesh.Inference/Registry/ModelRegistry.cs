using System.Security.Cryptography;
using Mesh.Protocol.Models;

namespace Mesh.Inference.Registry;

/// <summary>
/// The model registry: a folder with one sub-folder per model, each holding <c>manifest.yaml</c> and the ONNX file
/// it names. Loading checks every manifest strictly and every file against its SHA-256; a model that fails is left
/// out with a precise problem and the others load. (Shapes are checked when the session opens: see
/// <see cref="Runtime.ModelSession"/>.)
/// </summary>
public static class ModelRegistry
{
    public const string ManifestFile = "manifest.yaml";

    /// <summary>Largest model file the registry reads into memory.</summary>
    public const long MaxModelBytes = 1L << 30;

    public static RegistryLoad Load(string folder)
    {
        var models = new List<RegisteredModel>();
        var problems = new List<RegistryProblem>();
        if (!Directory.Exists(folder))
        {
            problems.Add(new RegistryProblem("", folder, "the model folder does not exist; set Node:Inference:Models to the folder that holds the models (one sub-folder per model)"));
            return new RegistryLoad(models, problems);
        }
        foreach (var dir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var manifestPath = Path.Combine(dir, ManifestFile);
            if (!File.Exists(manifestPath))
                continue;
            if (LoadOne(manifestPath, problems) is { } model)
            {
                if (models.Any(m => m.Manifest.Name == model.Manifest.Name))
                    problems.Add(new RegistryProblem(model.Manifest.Name, manifestPath, $"a second model named {model.Manifest.Name}; names must be unique in the registry"));
                else
                    models.Add(model);
            }
        }
        return new RegistryLoad(models, problems);
    }

    /// <summary>Loads one model folder's manifest and file; null (with problems added) when it does not pass.</summary>
    public static RegisteredModel? LoadOne(string manifestPath, List<RegistryProblem> problems)
    {
        var parsed = ManifestLoader.LoadFile(manifestPath);
        if (parsed.Manifest is not { } manifest)
        {
            var name = Path.GetFileName(Path.GetDirectoryName(manifestPath)) ?? "";
            foreach (var e in parsed.Errors)
                problems.Add(new RegistryProblem(name, $"{e.File}:{e.Line}:{e.Column}", e.Message));
            return null;
        }
        var file = Path.Combine(Path.GetDirectoryName(manifestPath)!, manifest.File);
        var shown = Relative(file);
        if (!File.Exists(file))
        {
            var todo = manifest.Fetch is not null
                ? $"run 'mesh model fetch {manifest.Name}' to download it from {manifest.Fetch.NpmPackage}"
                : $"train it with 'mesh model train' or restore the file";
            problems.Add(new RegistryProblem(manifest.Name, shown, $"model file missing; {todo}"));
            return null;
        }
        var length = new FileInfo(file).Length;
        if (length > MaxModelBytes)
        {
            problems.Add(new RegistryProblem(manifest.Name, shown, $"model file is {length} bytes, more than the {MaxModelBytes} allowed"));
            return null;
        }
        var bytes = File.ReadAllBytes(file);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (hash != manifest.Sha256)
        {
            problems.Add(new RegistryProblem(manifest.Name, shown,
                $"SHA-256 is {hash}, but {Relative(manifestPath)} pins {manifest.Sha256}; the file was changed or replaced: restore it, or retrain and let the trainer write a new manifest"));
            return null;
        }
        return new RegisteredModel(manifest with { Path = manifestPath }, file, bytes);
    }

    private static string Relative(string path)
    {
        var rel = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return rel.StartsWith("..", StringComparison.Ordinal) ? path : rel;
    }
}
