using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace TransferGen.Benchmarks;

/// <summary>Where and with what a measurement was made, so a number in the docs can be judged and reproduced.</summary>
/// <param name="Cores">Logical processors .NET sees.</param>
/// <param name="Cpu">CPU model from /proc/cpuinfo, or the architecture where that is unavailable.</param>
/// <param name="Os">Operating system description.</param>
/// <param name="Threads">LibTorch intra-op threads during the run.</param>
/// <param name="InteropThreads">LibTorch inter-op threads.</param>
/// <param name="TorchVersion">LibTorch version.</param>
/// <param name="TorchSharpVersion">TorchSharp package version.</param>
/// <param name="Date">When the measurement started (UTC).</param>
public sealed record BenchmarkEnvironment(int Cores, string Cpu, string Os, int Threads, int InteropThreads,
    string TorchVersion, string TorchSharpVersion, DateTimeOffset Date)
{
    /// <summary>The environment of this process now.</summary>
    public static BenchmarkEnvironment Current() => new(
        Environment.ProcessorCount, Devices.CpuModel(), RuntimeInformation.OSDescription,
        torch.get_num_threads(), torch.get_num_interop_threads(), torch.__version__,
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown",
        DateTimeOffset.UtcNow);
}
