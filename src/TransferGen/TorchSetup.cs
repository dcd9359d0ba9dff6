using TorchSharp;

namespace TransferGen;

/// <summary>Process-wide LibTorch settings that every entry point (CLI, tests, user programs) should apply once at start.</summary>
public static class TorchSetup
{
    static readonly object Gate = new();
    static bool configured;

    /// <summary>
    /// Sets LibTorch's thread pools for this machine: intra-op threads (the ones that parallelise one convolution or
    /// matrix product) to <paramref name="intraOpThreads"/> or, by default, one per logical core; inter-op threads
    /// (only used to run independent graph branches, which our eager models never have) to 1, so they do not compete
    /// with the intra-op pool for the same few cores. When the user set <c>OMP_NUM_THREADS</c> and passes no
    /// explicit count, their choice stands.
    /// </summary>
    /// <param name="intraOpThreads">Threads for one operation; null picks the default described above.</param>
    /// <returns>The intra-op thread count now in effect.</returns>
    public static int ConfigureThreads(int? intraOpThreads = null)
    {
        if (intraOpThreads is < 1) throw new ArgumentOutOfRangeException(nameof(intraOpThreads), intraOpThreads, "need at least one thread");
        lock (Gate)
        {
            if (!configured)
            {
                configured = true;
                // LibTorch allows this only before its inter-op pool has started; a host that already ran work keeps its pool.
                try { torch.set_num_interop_threads(1); }
                catch (Exception e) when (e is not OutOfMemoryException) { }
            }
            var fromEnvironment = int.TryParse(Environment.GetEnvironmentVariable("OMP_NUM_THREADS"), out var n) && n > 0;
            if (intraOpThreads is { } wanted) torch.set_num_threads(wanted);
            else if (!fromEnvironment) torch.set_num_threads(Environment.ProcessorCount);
            return torch.get_num_threads();
        }
    }
}
