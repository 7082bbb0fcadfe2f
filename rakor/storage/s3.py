"""The S3 backend (boto3): any S3-compatible store (SeaweedFS, MinIO, Ceph RGW, AWS S3).

A store that cannot be reached (connection refused or timed out, the connection dropped, or the
store answering 5xx after boto3's retries) raises StorageUnavailableError, which the app answers
503 with Retry-After: the store restarting is an operating condition, not a bug."""
import functools
import os

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from rakor.storage import ObjectInfo, ObjectMissingError, StorageUnavailableError, check_key
from rakor.storage.base import Storage

MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


def _reachable(method):
    """`method` with an unreachable store raised as StorageUnavailableError."""
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (BotoConnectionError, HTTPClientError) as error:
            raise StorageUnavailableError(f"{self!r}: {error}") from error
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
                raise StorageUnavailableError(f"{self!r}: {error}") from error
            raise
    return call


class S3Storage(Storage):
    name = "s3"

    def __init__(self, *, endpoint_url, bucket, access_key, secret_key, region="us-east-1"):
        import boto3
        from botocore.config import Config

        if not bucket:
            raise RuntimeError("STORAGE_BACKEND=s3 needs S3_BUCKET")
        self.bucket = bucket
        self.endpoint_url = endpoint_url or None
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None, region_name=region or "us-east-1",
            config=Config(s3={"addressing_style": "path"}, connect_timeout=5, read_timeout=60,
                          retries={"max_attempts": 3, "mode": "standard"},
                          # An older S3-compatible server rejects the newer default checksums.
                          request_checksum_calculation="when_required",
                          response_checksum_validation="when_required"))

    @classmethod
    def from_config(cls, config):
        return cls(endpoint_url=config.get("S3_ENDPOINT_URL"), bucket=config.get("S3_BUCKET"),
                   access_key=config.get("S3_ACCESS_KEY_ID"), secret_key=config.get("S3_SECRET_ACCESS_KEY"),
                   region=config.get("S3_REGION") or "us-east-1")

    def __repr__(self):
        return f"<S3Storage {self.endpoint_url or 'aws'} bucket {self.bucket}>"

    @_reachable
    def put_file(self, key, path, *, move=True):
        check_key(key)
        with open(path, "rb") as f:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=f)
        if move:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
        return self.stat(key)

    @_reachable
    def put_bytes(self, key, data: bytes):
        self.client.put_object(Bucket=self.bucket, Key=check_key(key), Body=data)
        return self.stat(key)

    @_reachable
    def open(self, key):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]
        except ClientError as error:
            if _code(error) in MISSING_CODES:
                raise ObjectMissingError(key) from None
            raise

    @_reachable
    def open_range(self, key, start, stop):
        """Only those bytes, from the store (a resumed download does not start at byte 0)."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=check_key(key),
                                          Range=f"bytes={start}-{stop - 1}")["Body"]
        except ClientError as error:
            if _code(error) in MISSING_CODES:
                raise ObjectMissingError(key) from None
            raise

    @_reachable
    def stat(self, key):
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if _code(error) in MISSING_CODES:
                raise ObjectMissingError(key) from None
            raise
        return ObjectInfo(key, head["ContentLength"], head["LastModified"])

    @_reachable
    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def list(self, prefix):
        try:
            yield from self._list(prefix)
        except (BotoConnectionError, HTTPClientError) as error:
            raise StorageUnavailableError(f"{self!r}: {error}") from error

    def _list(self, prefix):
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield ObjectInfo(item["Key"], item["Size"], item["LastModified"])

    @_reachable
    def check(self):
        self.client.head_bucket(Bucket=self.bucket)


def _code(error):
    return str(error.response.get("Error", {}).get("Code", ""))
