"""`diffusion-lsp serve`, `serve-http` and `doctor`: the language server, the shared HTTP endpoint, the check-up."""

from __future__ import annotations

from infill import InfillError

from .common import add_model_args, load_backend


def add_parsers(sub) -> None:
    p = sub.add_parser("serve", help="run the language server")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--stdio", action="store_true", help="talk LSP on stdin/stdout (the default)")
    how.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead")
    add_model_args(p)
    p.set_defaults(run=serve_command)

    p = sub.add_parser("serve-http", help="serve the model as an OpenAI-style FIM endpoint (/v1/completions)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--batch-window-ms", type=float, default=20.0, help="requests arriving this close together share a batch")
    p.add_argument("--api-key", help="bearer key clients must send (or $DIFFUSION_LSP_SERVE_KEYS, comma-separated); "
                                     "required to bind beyond loopback")
    p.add_argument("--max-queue", type=int, default=64, help="requests waiting at most; more are answered 429")
    add_model_args(p)
    p.set_defaults(run=serve_http_command)

    p = sub.add_parser("doctor", help="check torch, devices, the model and the grammars")
    add_model_args(p)
    p.set_defaults(run=doctor_command)


def serve_command(args) -> int:
    from ..server import serve
    from ..settings import Settings, apply_settings

    settings, warnings = apply_settings(Settings(), {"model": args.model, "device": args.device, "remote_model": args.remote_model,
                                                     "remote_api": args.remote_api, "remote_api_key_env": args.api_key_env})
    if warnings:
        raise InfillError(warnings[0])
    tcp = None
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            raise InfillError(f"--tcp takes HOST:PORT, got {args.tcp!r}")
        tcp = (host, int(port))
    serve(settings, tcp)
    return 0


def serve_http_command(args) -> int:
    from ..http_api import check_exposure, serve_http, server_keys
    from ..settings import Settings
    if not 0 <= args.port <= 65535:
        raise InfillError(f"bad port {args.port}")
    check_exposure(args.host, server_keys(args.api_key))  # before the model loads
    serve_http(load_backend(args), Settings(steps=args.steps), args.host, args.port,
               args.batch_window_ms / 1000, args.api_key, args.max_queue)
    return 0


def doctor_command(args) -> int:
    from ..doctor import doctor_command as doctor
    return doctor(args)
