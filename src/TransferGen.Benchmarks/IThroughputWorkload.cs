namespace TransferGen.Benchmarks;

/// <summary>
/// One unit of work whose speed is measured in images per second: a training step, an inference batch, a GAN step.
/// The workload builds its model and inputs once; <see cref="Step"/> is what is timed.
/// </summary>
public interface IThroughputWorkload : IDisposable
{
    /// <summary>Short stable name, used as a JSON key prefix (e.g. <c>resnet18_train</c>).</summary>
    string Name { get; }

    /// <summary>Images processed by one <see cref="Step"/>.</summary>
    int BatchSize { get; }

    /// <summary>
    /// Runs one unit of work to completion. The caller wraps each call in its own dispose scope, so temporaries may
    /// be left to it; state that must survive (weights, optimizer state, reused inputs) is owned by the workload.
    /// </summary>
    void Step();
}
