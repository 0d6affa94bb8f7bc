using Mesh.Hub;
using Microsoft.Extensions.Options;

try
{
    await using var app = HubApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (ex is OptionsValidationException or HubException)
{
    await Console.Error.WriteLineAsync($"mesh-hub: {ex.Message}");
    return 2;
}
