using Mesh.Node.Host;
using Mesh.Node.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// mesh-node: one Mesh node. Configuration, later sources winning: appsettings.json beside the executable,
// environment variables (Node__NodeId=edge-1), command-line keys (--Node:NodeId=edge-1).
var host = NodeHost.Build(args, builder => builder.Services.AddSystemdService());
await host.RunAsync();
